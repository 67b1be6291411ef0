import type { Octokit } from '@octokit/rest';
import { COSIGN_SIGN_PREDICATE_TYPE, SLSA_PROVENANCE_V1_PREDICATE_TYPE } from '@chart-release/cosign';
import type { RegistryClient } from '@chart-release/oci';

/** A planned write as `plan --json` lists it. */
export interface Write {
  stage: string;
  chart?: string;
  system: 'registry' | 'github';
  kind: string;
  target: string;
}

/** A request the GitHub emulator recorded (the fields read here). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  operationId?: string;
  status: number;
  body?: unknown;
}

/** A write as `system kind target`, the form planned and observed writes are compared in. */
export const writeKey = (w: Pick<Write, 'system' | 'kind' | 'target'>) => `${w.system} ${w.kind} ${w.target}`;

/**
 * The writes the GitHub emulator saw, in the plan's terms: releases, assets, publishing, attestations, the commit on
 * the Pages branch, the run lease. A request of another kind is named by its operation, so it shows as unplanned.
 */
export async function observedGitHubWrites(
  requests: RecordedRequest[],
  octokit: Octokit,
  repo: { owner: string; repo: string },
  refOfDigest: (digest: string) => string,
): Promise<string[]> {
  const { data: releases } = await octokit.rest.repos.listReleases({ ...repo, per_page: 100 });
  const tagOf = (id: string | undefined) => releases.find((r) => String(r.id) === id)?.tag_name ?? `release ${id}`;
  const out: string[] = [];
  for (const r of requests.filter((q) => q.method !== 'GET' && q.method !== 'HEAD' && q.status < 400)) {
    const body = (r.body ?? {}) as Record<string, unknown>;
    const path = decodeURIComponent(r.path);
    const releaseId = /\/releases\/(\d+)/.exec(path)?.[1];
    if (r.operationId === 'repos/create-release') out.push(`github release ${String(body.tag_name)}`);
    else if (r.operationId === 'repos/upload-release-asset') out.push(`github asset ${tagOf(releaseId)}/${r.query.name}`);
    else if (r.operationId === 'repos/update-release' && body.draft === false) out.push(`github publish ${tagOf(releaseId)}`);
    else if (r.operationId === 'repos/create-attestation') out.push(`github attestation ${refOfDigest(subjectDigest(body.bundle))}`);
    else if (r.operationId === 'git/create-tag' && String(body.tag).startsWith('lease-')) out.push(`github tag-object ${String(body.tag)}`);
    else if (path.includes('refs/chart-release/leases/') || String(body.ref).startsWith('refs/chart-release/leases/'))
      out.push(`github ref refs/chart-release/leases/${/leases\/([^/]+)\//.exec(path + String(body.ref))?.[1]}/<generation>`);
    else if (['git/create-blob', 'git/create-tree', 'git/create-commit'].includes(r.operationId ?? '') || /heads\/gh-pages/.test(path + String(body.ref)))
      out.push('github pages-commit gh-pages:index.yaml');
    else out.push(`github ${r.operationId ?? r.method} ${path}`);
  }
  return out;
}

/**
 * The writes the registry holds for each chart, in the plan's terms: every tag of its repository (the version, the
 * referrers tag and `.sig` tag of its digest) and every referrer of its digest (signature, provenance).
 */
export async function observedRegistryWrites(client: RegistryClient, charts: { ref: string; digest: string }[]): Promise<string[]> {
  const out: string[] = [];
  for (const { ref, digest } of charts) {
    const [repository, tag] = splitRef(ref);
    const path = repository.replace(/^oci:\/\/[^/]+\//, '');
    const hex = digest.slice('sha256:'.length);
    for (const t of await client.listTags(path)) {
      out.push(`registry tag ${repository}:${t.replace(hex, `<digest of ${tag}>`)}`);
    }
    for (const m of (await client.referrers(path, digest)).manifests) {
      const type = m.annotations?.['dev.sigstore.bundle.predicateType'];
      const what = type === COSIGN_SIGN_PREDICATE_TYPE ? 'signature' : type === SLSA_PROVENANCE_V1_PREDICATE_TYPE ? 'provenance' : String(type);
      out.push(`registry referrer ${ref} <- ${what}`);
    }
  }
  return out;
}

function splitRef(ref: string): [string, string] {
  const colon = ref.lastIndexOf(':');
  return [ref.slice(0, colon), ref.slice(colon + 1)];
}

/** The `sha256:<hex>` subject of a DSSE bundle's in-toto statement. */
function subjectDigest(bundle: unknown): string {
  const payload = (bundle as { dsseEnvelope?: { payload?: string } } | undefined)?.dsseEnvelope?.payload ?? '';
  const statement = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as { subject?: { digest?: { sha256?: string } }[] };
  return `sha256:${statement.subject?.[0]?.digest?.sha256 ?? ''}`;
}
