import { X509Certificate } from 'node:crypto';
import { silentLogger, type Logger } from '@chart-release/core';
import type { Octokit } from '@octokit/rest';
import { gitHubStatus } from '@chart-release/github-client';
import type { GitHubAttestationLookup, GitHubAttestationSummary } from './types.ts';

/** Most pages of attestations read for one digest (100 each). */
const MAX_PAGES = 10;

export interface EnrichOptions {
  owner: string;
  repo: string;
  subjectDigest: string;
  logger?: Logger;
}

/**
 * What GitHub's artifact attestations API knows about `subjectDigest`
 * (`GET /repos/{owner}/{repo}/attestations/{subject_digest}`, every page). 404 (none, or the API is not available
 * for the repository) and 403 (the token lacks `attestations: read`) are noted, not thrown: enrichment is
 * optional. Other failures are recorded as status `error`. Bundles are summarised, not verified.
 * See https://docs.github.com/rest/repos/repos#list-attestations
 */
export async function enrichFromAttestationsApi(octokit: Octokit, options: EnrichOptions): Promise<GitHubAttestationLookup> {
  const { owner, repo, subjectDigest } = options;
  const logger = options.logger ?? silentLogger;
  const request = `GET /repos/${owner}/${repo}/attestations/${subjectDigest}`;
  const attestations: GitHubAttestationSummary[] = [];
  try {
    let pages = 0;
    const iterator = octokit.paginate.iterator(octokit.rest.repos.listAttestations, { owner, repo, subject_digest: subjectDigest, per_page: 100 });
    for await (const page of iterator) {
      const data = page.data as unknown as { attestations?: RawAttestation[] };
      for (const item of data.attestations ?? []) attestations.push(summarizeAttestation(item));
      if (++pages >= MAX_PAGES) {
        logger.debug(`${request}: stopped after ${MAX_PAGES} pages`);
        break;
      }
    }
  } catch (error) {
    const status = gitHubStatus(error);
    if (status === 404) {
      logger.debug(`${request}: 404, no attestations for this digest (or the API is not available for ${owner}/${repo})`);
      return {
        status: 'none',
        note: 'GitHub returned 404: no attestations for this digest, or the attestations API is not available for the repository',
        attestations: [],
      };
    }
    if (status === 403) {
      logger.debug(`${request}: 403, no enrichment from the attestations API (the token needs attestations: read)`);
      return { status: 'unavailable', note: 'GitHub returned 403: the token cannot read attestations (needs attestations: read)', attestations: [] };
    }
    const note = `${request} failed${status ? ` (${status})` : ''}: ${(error as Error)?.message ?? String(error)}`;
    logger.debug(note);
    return { status: 'error', note, attestations: [] };
  }
  return attestations.length ? { status: 'found', attestations } : { status: 'none', attestations };
}

interface RawAttestation {
  bundle?: {
    dsseEnvelope?: { payload?: string };
    verificationMaterial?: {
      certificate?: { rawBytes?: string };
      x509CertificateChain?: { certificates?: { rawBytes?: string }[] };
      tlogEntries?: { logIndex?: string | number }[];
    };
  } | null;
  repository_id?: number;
  bundle_url?: string;
  initiator?: string;
}

interface InTotoStatement {
  predicateType?: string;
  subject?: { name?: string; digest?: Record<string, string> }[];
  predicate?: { runDetails?: { metadata?: { invocationId?: string } } };
}

/** The facts a lineage records from one attestation: statement subjects and type, signer, Rekor entry. */
export function summarizeAttestation(item: RawAttestation): GitHubAttestationSummary {
  const summary: GitHubAttestationSummary = { subjects: [] };
  const statement = decodeStatement(item.bundle?.dsseEnvelope?.payload);
  if (statement?.predicateType) summary.predicateType = statement.predicateType;
  for (const subject of statement?.subject ?? []) {
    for (const [algorithm, hex] of Object.entries(subject.digest ?? {})) {
      summary.subjects.push({ ...(subject.name ? { name: subject.name } : {}), digest: `${algorithm}:${hex}` });
    }
  }
  const invocation = statement?.predicate?.runDetails?.metadata?.invocationId;
  if (typeof invocation === 'string' && /^https:\/\//.test(invocation)) summary.workflowRunUrl = invocation;
  const material = item.bundle?.verificationMaterial;
  const signer = signerIdentity(material?.certificate?.rawBytes ?? material?.x509CertificateChain?.certificates?.[0]?.rawBytes);
  if (signer) summary.signerIdentity = signer;
  const logIndex = material?.tlogEntries?.[0]?.logIndex;
  if (logIndex !== undefined) summary.rekorLogIndex = String(logIndex);
  if (typeof item.repository_id === 'number') summary.repositoryId = item.repository_id;
  if (item.bundle_url) summary.bundleUrl = item.bundle_url;
  if (item.initiator) summary.initiator = item.initiator;
  return summary;
}

function decodeStatement(payload: string | undefined): InTotoStatement | undefined {
  if (!payload) return undefined;
  try {
    const statement = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as unknown;
    return statement && typeof statement === 'object' ? (statement as InTotoStatement) : undefined;
  } catch {
    return undefined;
  }
}

/** The certificate's first URI subject alternative name: the workflow identity of a GitHub Actions signer. */
function signerIdentity(rawBytes: string | undefined): string | undefined {
  if (!rawBytes) return undefined;
  try {
    const san = new X509Certificate(Buffer.from(rawBytes, 'base64')).subjectAltName ?? '';
    const uri = /URI:([^,]+)/.exec(san)?.[1] ?? /email:([^,]+)/.exec(san)?.[1];
    return uri?.trim();
  } catch {
    return undefined;
  }
}
