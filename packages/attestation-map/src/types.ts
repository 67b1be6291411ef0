/** One attestation as the v1 attestation map records it (see schemas/attestation-map.v1.schema.json). */
export interface MapAttestation {
  stage: string;
  id?: string | number;
  url?: string;
  subjectDigest: string;
  predicateType: string;
  workflowRun?: WorkflowRunRef;
}

export interface WorkflowRunRef {
  id?: number;
  attempt?: number;
  url?: string;
  workflow?: string;
}

export interface MapChartEntry {
  version?: string;
  attestations: MapAttestation[];
}

/** A parsed, schema-valid attestation map (format version 1). */
export interface AttestationMap {
  version: 1;
  charts: Record<string, MapChartEntry>;
}

/** Where a map was read: the pull request's body or one of its issue comments. */
export interface MapSource {
  kind: 'body' | 'comment';
  /** html_url of the pull request (body) or of the comment. */
  url: string;
  commentId?: number;
  /** Login of who wrote the body or comment. */
  author: string | null;
}

/** The part of a pull request that lineage needs. */
export interface MergedPullRequest {
  number: number;
  url: string;
  title: string;
  author: string | null;
  baseRef: string;
  headSha: string;
  mergeCommitSha: string | null;
  mergedAt: string;
  body: string | null;
}

/** A reviewer whose latest review state is APPROVED. */
export interface Approval {
  login: string;
  submittedAt: string | null;
  /** The commit the approval was given on. */
  commitId: string | null;
}

/** What GitHub's artifact attestations API says about one subject digest (recorded, not verified). */
export interface GitHubAttestationLookup {
  status: 'found' | 'none' | 'unavailable' | 'error';
  note?: string;
  attestations: GitHubAttestationSummary[];
}

export interface GitHubAttestationSummary {
  predicateType?: string;
  subjects: { name?: string; digest: string }[];
  /** The signing certificate's subject alternative name (the workflow identity for GitHub Actions). */
  signerIdentity?: string;
  workflowRunUrl?: string;
  rekorLogIndex?: string;
  repositoryId?: number;
  bundleUrl?: string;
  initiator?: string;
}

export interface LineageAttestation {
  stage: string;
  id?: string;
  url?: string;
  subjectDigest: string;
  predicateType: string;
  workflowRun?: WorkflowRunRef;
  github?: GitHubAttestationLookup;
}

/** `<chart>-attestation-lineage.json` (see schemas/attestation-lineage.v1.schema.json). */
export interface Lineage {
  schemaVersion: 1;
  chart: string;
  version: string;
  tag: string;
  ociDigest: string | null;
  pullRequest: (Omit<MergedPullRequest, 'body'> & { approvedBy: Approval[] }) | null;
  mapSource: MapSource | null;
  attestations: LineageAttestation[];
  ociDigestAttestations?: GitHubAttestationLookup;
  warnings: string[];
}

/** A chart being released, as lineage needs it. */
export interface ReleasedChart {
  name: string;
  version: string;
  tag: string;
  /** Manifest digest of the pushed chart, when known. */
  ociDigest?: string | null;
}

/** What to do when the release commit did not come from a merged pull request. */
export type OnMissing = 'fail' | 'warn';

/** The default of `onMissingPr` (`--on-missing-pr`, `lineage.onMissingPr`) everywhere: a direct push gets an empty lineage. */
export const DEFAULT_ON_MISSING_PR: OnMissing = 'warn';
