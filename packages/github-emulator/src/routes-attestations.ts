import { attestationSubjects } from './attestation-bundle.ts';
import { GitHubHttpError } from './github-errors.ts';
import type { RenderContext } from './render-repo.ts';
import { created, repoOf, type RouteHandler, type RouteRequest, type RouteResponse } from './routes-context.ts';
import { nextId, timestamp, type RepoRecord } from './state.ts';

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

/** Cursor pagination (`after`, `before`, `per_page`) as GitHub does for attestations; `predicate_type` filters. */
function listIn(ctx: RenderContext, req: RouteRequest, repos: RepoRecord[]): RouteResponse {
  const q = req.url.searchParams;
  const digest = req.params.subject_digest ?? '';
  const predicate = q.get('predicate_type');
  const matching = repos.flatMap((repo) =>
    repo.attestations
      .filter((a) => a.subject_digests.includes(digest))
      .filter((a) => !predicate || a.predicate_type === predicate || a.predicate_type?.includes(`/${predicate}/`) === true)
      .map((a) => ({ repo, attestation: a })),
  );
  const perPage = Math.min(100, Math.max(1, Number(q.get('per_page')) || 30));
  const after = q.get('after') ? Number(Buffer.from(q.get('after')!, 'base64url').toString()) || 0 : 0;
  const page = matching.slice(after, after + perPage);
  const headers: Record<string, string> = {};
  if (after + perPage < matching.length) {
    const next = new URL(req.url);
    next.searchParams.set('after', Buffer.from(String(after + perPage)).toString('base64url'));
    next.searchParams.set('per_page', String(perPage));
    headers.link = `<${next}>; rel="next"`;
  }
  return {
    status: 200,
    headers,
    body: {
      attestations: page.map(({ repo, attestation }) => ({
        bundle: attestation.bundle,
        repository_id: repo.id,
        bundle_url: `${ctx.baseUrl}/_emulator/attestations/${attestation.id}/bundle`,
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
