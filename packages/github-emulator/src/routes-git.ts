import { createHash } from 'node:crypto';
import { GitHubHttpError, notFound } from './github-errors.ts';
import { renderCommit, renderRef, renderTagObject } from './render-git.ts';
import { renderFullRepository } from './render-repo.ts';
import { renderPullSimple } from './render-pulls.ts';
import { created, listed, noContent, ok, repoOf, stringField, type RouteHandler, type RouteRequest } from './routes-context.ts';
import { isValidRefName } from './ref-names.ts';
import { resolveCommitish, timestamp, type RepoRecord } from './state.ts';

/** `heads/main`, `tags/v1` or `refs/tags/v1` as the fully qualified ref. */
function qualify(ref: string): string {
  return ref.startsWith('refs/') ? ref : `refs/${ref}`;
}

function objectExists(repo: RepoRecord, sha: string): boolean {
  return repo.commits.some((c) => c.sha === sha) || repo.tag_objects.some((t) => t.sha === sha);
}

function unprocessable(message: string): GitHubHttpError {
  return new GitHubHttpError(422, message);
}

function commitOf(repo: RepoRecord, req: RouteRequest, param: string) {
  const sha = resolveCommitish(repo, req.params[param] ?? '');
  const commit = sha ? repo.commits.find((c) => c.sha === sha) : undefined;
  if (!commit) throw new GitHubHttpError(422, `No commit found for SHA: ${req.params[param]}`);
  return commit;
}

const getRepo: RouteHandler = (ctx, req) => ok(renderFullRepository(ctx, repoOf(ctx, req)));

const getCommit: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  return ok(renderCommit(ctx, repo, commitOf(repo, req, 'ref')));
};

/** Newest first from `sha` (default branch by default), following first parents. */
const listCommits: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const start = resolveCommitish(repo, req.url.searchParams.get('sha') ?? repo.default_branch);
  const history = [];
  for (let sha = start; sha; ) {
    const commit = repo.commits.find((c) => c.sha === sha);
    if (!commit) break;
    history.push(commit);
    sha = commit.parents[0];
  }
  return listed(req, history, (c) => renderCommit(ctx, repo, c));
};

/** Pull requests whose merge commit, head or commits include the sha. */
const pullsForCommit: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const sha = req.params.commit_sha ?? '';
  const full = resolveCommitish(repo, sha) ?? sha;
  const pulls = repo.pulls.filter((p) => p.merge_commit_sha === full || p.head.sha === full || p.commits.includes(full));
  return listed(req, pulls, (p) => renderPullSimple(ctx, repo, p));
};

const getRef: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const ref = repo.refs.find((r) => r.ref === qualify(req.params.ref ?? ''));
  if (!ref) throw notFound();
  return ok(renderRef(ctx, repo, ref));
};

/** `matching-refs/{prefix}`, and the older `GET /git/refs[/{prefix}]` (404 there when nothing matches). */
const matchingRefs: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  if (repo.commits.length === 0) throw new GitHubHttpError(409, 'Git Repository is empty.');
  const prefix = req.params.ref ? qualify(req.params.ref) : 'refs/';
  const refs = repo.refs.filter((r) => r.ref.startsWith(prefix)).sort((a, b) => a.ref.localeCompare(b.ref));
  if (req.legacyRefs && refs.length === 0) throw notFound();
  return ok(refs.map((r) => renderRef(ctx, repo, r)));
};

/** Whether `ancestor` is `sha` or reachable from it through parents. */
function reachable(repo: RepoRecord, sha: string, ancestor: string): boolean {
  const seen = new Set<string>();
  const queue = [sha];
  while (queue.length) {
    const current = queue.pop()!;
    if (current === ancestor) return true;
    if (seen.has(current)) continue;
    seen.add(current);
    queue.push(...(repo.commits.find((c) => c.sha === current)?.parents ?? []));
  }
  return false;
}

const createRef: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const ref = stringField(req.body, 'ref')!;
  const sha = stringField(req.body, 'sha')!;
  if (!ref.startsWith('refs/') || ref.split('/').length < 3) throw unprocessable(`Reference name must start with 'refs/' and have at least two slashes.`);
  if (!isValidRefName(ref)) throw unprocessable(`${ref} is not a valid ref name.`);
  if (repo.refs.some((r) => r.ref === ref)) throw unprocessable('Reference already exists');
  if (!objectExists(repo, sha)) throw unprocessable('Object does not exist');
  const record = { ref, sha };
  repo.refs.push(record);
  const rendered = renderRef(ctx, repo, record);
  return created(rendered, rendered.url);
};

const updateRef: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const ref = repo.refs.find((r) => r.ref === qualify(req.params.ref ?? ''));
  if (!ref) throw unprocessable('Reference does not exist');
  const sha = stringField(req.body, 'sha')!;
  if (!objectExists(repo, sha)) throw unprocessable('Object does not exist');
  // without `force`, only a fast-forward: the current commit must be an ancestor of the new one
  if (req.body?.force !== true && !reachable(repo, sha, ref.sha)) {
    throw new GitHubHttpError(422, 'Update is not a fast forward', { documentation_url: 'https://docs.github.com/rest/git/refs#update-a-reference' });
  }
  ref.sha = sha;
  return ok(renderRef(ctx, repo, ref));
};

const deleteRef: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const name = qualify(req.params.ref ?? '');
  if (!repo.refs.some((r) => r.ref === name)) throw unprocessable('Reference does not exist');
  repo.refs = repo.refs.filter((r) => r.ref !== name);
  return noContent;
};

/** An annotated tag object; like GitHub, it makes no ref (create `refs/tags/<tag>` pointing at it). */
const createTag: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const body = req.body ?? {};
  const object = stringField(body, 'object')!;
  if (!objectExists(repo, object)) throw unprocessable('Object does not exist');
  const tagger = (body.tagger as { name?: string; email?: string; date?: string } | undefined) ?? {};
  const tag = {
    sha: createHash('sha1')
      .update(`tag ${repo.id} ${String(body.tag)} ${object} ${repo.tag_objects.length}`)
      .digest('hex'),
    tag: stringField(body, 'tag')!,
    message: stringField(body, 'message')!,
    object: { sha: object, type: (stringField(body, 'type') ?? 'commit') as 'commit' },
    tagger: {
      name: tagger.name ?? 'github-actions[bot]',
      email: tagger.email ?? '41898282+github-actions[bot]@users.noreply.github.com',
      date: tagger.date ?? timestamp(),
    },
  };
  repo.tag_objects.push(tag);
  const rendered = renderTagObject(ctx, repo, tag);
  return created(rendered, rendered.url);
};

const getTag: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const tag = repo.tag_objects.find((t) => t.sha === req.params.tag_sha);
  if (!tag) throw notFound();
  return ok(renderTagObject(ctx, repo, tag));
};

export const gitRoutes: Record<string, RouteHandler> = {
  'repos/get': getRepo,
  'repos/get-commit': getCommit,
  'repos/list-commits': listCommits,
  'repos/list-pull-requests-associated-with-commit': pullsForCommit,
  'git/get-ref': getRef,
  'git/list-matching-refs': matchingRefs,
  'git/create-ref': createRef,
  'git/update-ref': updateRef,
  'git/delete-ref': deleteRef,
  'git/create-tag': createTag,
  'git/get-tag': getTag,
};
