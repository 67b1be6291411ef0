import { ReleaseError, silentLogger, type Logger } from '@chart-release/core';
import type { Octokit } from '@octokit/rest';
import { enrichFromAttestationsApi } from './attestations-api.ts';
import { extractAttestationMap, type ExtractedAttestationMap } from './extract.ts';
import { buildLineage } from './lineage.ts';
import { listApprovals, locatePullRequest, noPullRequestError } from './pull-request.ts';
import {
  DEFAULT_ON_MISSING_PR,
  type Approval,
  type GitHubAttestationLookup,
  type Lineage,
  type MergedPullRequest,
  type OnMissing,
  type ReleasedChart,
} from './types.ts';

export interface CollectLineageOptions {
  owner: string;
  repo: string;
  /** The release commit. */
  sha: string;
  charts: ReleasedChart[];
  /** Logins whose PR comments may carry the map (e.g. `github-actions[bot]`). */
  allowedAuthors: string[];
  /** A commit no merged pull request brought: `fail` (NO_PULL_REQUEST, the default) or `warn` (empty lineage). */
  onMissingPr?: OnMissing;
  /** A pull request without an attestation map: `warn` (the default, empty attestation lists) or `fail`. */
  onMissingMap?: OnMissing;
  /** Prefer pull requests merged into this branch when several match the commit. */
  baseBranch?: string;
  maxBytes?: number;
  /** Look subject digests up in GitHub's attestations API (default true). */
  enrich?: boolean;
  logger?: Logger;
}

export interface CollectedLineage {
  lineages: Record<string, Lineage>;
  pullRequest?: MergedPullRequest;
  warnings: string[];
}

/**
 * The lineage of every released chart: finds the merged pull request of `sha`, reads its attestation map and
 * approvals, looks the digests up in the attestations API, and builds one lineage per chart. A map naming a chart
 * that is not being released and a released chart missing from the map are warnings.
 */
export async function collectLineage(octokit: Octokit, options: CollectLineageOptions): Promise<CollectedLineage> {
  const { owner, repo, sha, charts } = options;
  const logger = options.logger ?? silentLogger;
  const warnings: string[] = [];
  const { pullRequest: pr, ambiguity } = await locatePullRequest(octokit, { owner, repo, sha, baseBranch: options.baseBranch, logger });
  if (ambiguity) warnings.push(ambiguity);
  if (!pr) {
    if ((options.onMissingPr ?? DEFAULT_ON_MISSING_PR) === 'fail') throw noPullRequestError(owner, repo, sha);
    warnings.push(`commit ${sha} was not brought by a merged pull request; the lineage has no pull request, reviewers or attestations`);
  }

  let extracted: ExtractedAttestationMap = { warnings: [] };
  let approvals: Approval[] = [];
  if (pr) {
    extracted = await extractAttestationMap(octokit, { owner, repo, pr, allowedAuthors: options.allowedAuthors, maxBytes: options.maxBytes, logger });
    warnings.push(...extracted.warnings);
    if (!extracted.map && options.onMissingMap === 'fail') {
      throw new ReleaseError(
        'ATTESTATION_MAP_MISSING',
        `PR #${pr.number} (${pr.url}) has no attestation map in its body or in a comment by ${options.allowedAuthors.join(', ') || 'an allowed author'}.`,
        {
          details: { pr: pr.number, url: pr.url },
          hint: 'make the pipeline stages post the map (see the @chart-release/attestation-map README), add its author with --allowed-author, or set onMissingMap: warn',
        },
      );
    }
    approvals = await listApprovals(octokit, { owner, repo, pullNumber: pr.number });
  }
  const shared = [...warnings];

  const released = new Set(charts.map((c) => c.name));
  for (const name of Object.keys(extracted.map?.charts ?? {}).sort()) {
    if (!released.has(name)) warnings.push(`the attestation map in ${extracted.source!.url} names ${name}, which is not being released`);
  }

  const lookups = options.enrich === false ? {} : await lookUpDigests(octokit, options, extracted, warnings, logger);

  const lineages: Record<string, Lineage> = {};
  for (const chart of charts) {
    const lineage = buildLineage({
      chart: chart.name,
      version: chart.version,
      tag: chart.tag,
      ociDigest: chart.ociDigest,
      pr,
      approvedBy: approvals,
      map: extracted.map,
      source: extracted.source,
      attestationsApi: lookups,
      warnings: shared,
    });
    warnings.push(...lineage.warnings.slice(shared.length).map((w) => (w.includes(chart.name) ? w : `${chart.name}: ${w}`)));
    lineages[chart.name] = lineage;
  }
  return { lineages, ...(pr ? { pullRequest: pr } : {}), warnings };
}

/** How many attestation lookups are under way at once (reads: GitHub allows 100 concurrent requests). */
const LOOKUP_CONCURRENCY = 8;

async function lookUpDigests(
  octokit: Octokit,
  options: CollectLineageOptions,
  extracted: ExtractedAttestationMap,
  warnings: string[],
  logger: Logger,
): Promise<Record<string, GitHubAttestationLookup>> {
  const digests = new Set<string>();
  for (const chart of options.charts) {
    if (chart.ociDigest) digests.add(chart.ociDigest);
    for (const a of extracted.map?.charts[chart.name]?.attestations ?? []) digests.add(a.subjectDigest);
  }
  const lookups: Record<string, GitHubAttestationLookup> = {};
  const sorted = [...digests].sort();
  const lookUp = (subjectDigest: string) => enrichFromAttestationsApi(octokit, { owner: options.owner, repo: options.repo, subjectDigest, logger });
  // the first alone: one refusal (403) means the token cannot read attestations at all, and the others are not asked
  const first = sorted.length ? await lookUp(sorted[0]!) : undefined;
  if (first?.status === 'unavailable') {
    warnings.push(`no enrichment from the attestations API for ${sorted[0]}: ${first.note}`);
    for (const digest of sorted) lookups[digest] = { ...first };
  } else if (first) {
    // the rest a few at a time: a release of many charts reads many digests, and each is one GET
    const found: GitHubAttestationLookup[] = [first];
    let next = 1;
    const worker = async () => {
      for (let i = next++; i < sorted.length; i = next++) found[i] = await lookUp(sorted[i]!);
    };
    await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, sorted.length - 1) }, worker));
    sorted.forEach((subjectDigest, i) => {
      const lookup = found[i]!;
      lookups[subjectDigest] = lookup;
      if (lookup.status === 'unavailable' || lookup.status === 'error')
        warnings.push(`no enrichment from the attestations API for ${subjectDigest}: ${lookup.note}`);
    });
  }
  logger.debug(`looked up ${digests.size} subject digest(s) in the attestations API`);
  return lookups;
}
