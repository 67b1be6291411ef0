import { attestationSubjects } from './attestation-bundle.ts';
import { GitHubHttpError, notFound } from './github-errors.ts';
import type { RenderContext } from './render-repo.ts';
import { created, repoOf, type RouteHandler, type RouteRequest, type RouteResponse } from './routes-context.ts';
import { nextId, timestamp, type RepoRecord } from './state.ts';
import { bundleUrlFor } from './web-origins.ts';

/**
 * Artifact attestations, indexed by the sha256 subjects of the bundle's in-toto statement.
 * https://docs.github.com/en/rest/repos/attestations
 */
const create: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const bundle = (req.body?.bundle ?? {}) as Record<string, unknown>;
  const { digests, predicateType } = attestationSubjects(bundle);
  if (digests.length === 0) throw new GitHubHttpError(422, 'Invalid bundle: no sha256 subject in the DSSE envelope payload');
  const id = nextId(ctx.state);
  repo.attestations.push({ id, subject_digests: digests, predicate_type: predicateType, bundle, initiator: req.actor!, created_at: timestamp() });
  return created({ id });
};

/** The short names GitHub accepts for `predicate_type`, and the predicate types they stand for. */
const PREDICATE_ALIASES: Record<string, string[]> = {
  provenance: ['https://slsa.dev/provenance/v1', 'https://slsa.dev/provenance/v0.2'],
  sbom: [
    'https://spdx.dev/Document/v2.2',
    'https://spdx.dev/Document/v2.3',
    'https://cyclonedx.org/bom',
    'https://cyclonedx.org/bom/v1.4',
    'https://cyclonedx.org/bom/v1.5',
    'https://cyclonedx.org/bom/v1.6',
  ],
  release: ['https://in-toto.io/attestation/release/v0.1'],
};

function predicateMatches(actual: string | null, wanted: string | null): boolean {
  if (!wanted) return true;
  return actual === wanted || (actual !== null && (PREDICATE_ALIASES[wanted] ?? []).includes(actual));
}

/** Cursor pagination (`after`, `before`, `per_page`) as GitHub does for attestations; `predicate_type` filters. */
function listIn(ctx: RenderContext, req: RouteRequest, repos: RepoRecord[]): RouteResponse {
  const q = req.url.searchParams;
  const digest = req.params.subject_digest ?? '';
  const predicate = q.get('predicate_type');
  const matching = repos.flatMap((repo) =>
    repo.attestations.filter((a) => a.subject_digests.includes(digest) && predicateMatches(a.predicate_type, predicate)).map((a) => ({ repo, attestation: a })),
  );
  // GitHub answers 404 when nothing is attested for the digest (gh reports "no attestations found")
  if (matching.length === 0) throw notFound();
  const perPage = Math.min(100, Math.max(1, Number(q.get('per_page')) || 30));
  const cursor = (name: string) => (q.get(name) ? Number(Buffer.from(q.get(name)!, 'base64url').toString()) || 0 : undefined);
  const before = cursor('before');
  const start = before !== undefined ? Math.max(0, before - perPage) : (cursor('after') ?? 0);
  const page = matching.slice(start, start + perPage);
  const end = start + page.length;
  const at = (name: 'after' | 'before', index: number) => {
    const url = new URL(req.url);
    url.searchParams.delete('after');
    url.searchParams.delete('before');
    url.searchParams.set(name, Buffer.from(String(index)).toString('base64url'));
    url.searchParams.set('per_page', String(perPage));
    return url;
  };
  const links = [...(end < matching.length ? [`<${at('after', end)}>; rel="next"`] : []), ...(start > 0 ? [`<${at('before', start)}>; rel="prev"`] : [])];
  const headers: Record<string, string> = links.length ? { link: links.join(', ') } : {};
  return {
    status: 200,
    headers,
    body: {
      attestations: page.map(({ repo, attestation }) => ({
        bundle: attestation.bundle,
        repository_id: repo.id,
        bundle_url: bundleUrlFor(ctx, attestation.id),
        initiator: attestation.initiator,
      })),
    },
  };
}

const list: RouteHandler = (ctx, req) => listIn(ctx, req, [repoOf(ctx, req)]);

/** An organisation's or user's attestations: every repository they own (private ones only with a token). */
const listForOwner =
  (param: 'org' | 'username'): RouteHandler =>
  (ctx, req) => {
    const owner = (req.params[param] ?? '').toLowerCase();
    const repos = ctx.state.repos.filter((r) => r.owner.toLowerCase() === owner && (!r.private || req.actor));
    return listIn(ctx, req, repos);
  };

export const attestationRoutes: Record<string, RouteHandler> = {
  'repos/create-attestation': create,
  'repos/list-attestations': list,
  'orgs/list-attestations': listForOwner('org'),
  'users/list-attestations': listForOwner('username'),
};
