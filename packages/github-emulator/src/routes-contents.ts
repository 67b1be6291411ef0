import { GitHubHttpError, notFound } from './github-errors.ts';
import { EMPTY_TREE_SHA, applyChanges, findPath, readBlob, readTree, writeBlob } from './git-objects.ts';
import { renderGitCommit } from './render-git.ts';
import { htmlUrl, repoApiUrl, type RenderContext } from './render-repo.ts';
import { base64Lines, makeCommit, personField, rawMediaType } from './routes-git-data.ts';
import { ok, repoOf, stringField, type RouteHandler, type RouteRequest } from './routes-context.ts';
import { gitStore, resolveCommitish, timestamp, type RepoRecord } from './state.ts';

/**
 * The contents API: files and directories of a branch, and commits that add, change or delete one file.
 * https://docs.github.com/en/rest/repos/contents
 */
function contentPath(req: RouteRequest): string {
  return (req.params.path ?? '').replace(/^\/+|\/+$/g, '');
}

/** The raw URL of a file at a ref (raw.githubusercontent.com on github.com; the emulator's web origin here). */
export function rawUrl(ctx: RenderContext, repo: RepoRecord, ref: string, path: string): string {
  return `${ctx.webUrl}/${repo.owner}/${repo.name}/raw/${ref}/${path.split('/').map(encodeURIComponent).join('/')}`;
}

function renderEntry(ctx: RenderContext, repo: RepoRecord, ref: string, path: string, entry: { type: string; sha: string }) {
  const api = repoApiUrl(ctx, repo);
  const isDir = entry.type === 'tree';
  const self = `${api}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const git = `${api}/git/${isDir ? 'trees' : 'blobs'}/${entry.sha}`;
  const html = `${htmlUrl(ctx, `${repo.owner}/${repo.name}`)}/${isDir ? 'tree' : 'blob'}/${ref}/${path}`;
  return {
    name: path.split('/').at(-1) ?? '',
    path,
    sha: entry.sha,
    size: isDir ? 0 : (readBlob(gitStore(repo), entry.sha)?.length ?? 0),
    url: self,
    html_url: html,
    git_url: git,
    download_url: isDir ? null : rawUrl(ctx, repo, ref, path),
    type: isDir ? 'dir' : 'file',
    _links: { self, git, html },
  };
}

const getContent: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const ref = req.url.searchParams.get('ref') || repo.default_branch;
  const sha = resolveCommitish(repo, ref);
  const commit = sha ? repo.commits.find((c) => c.sha === sha) : undefined;
  if (!commit) throw new GitHubHttpError(404, `No commit found for the ref ${ref}`);
  const path = contentPath(req);
  const store = gitStore(repo);
  const entry = findPath(store, commit.tree, path);
  if (!entry) throw notFound();
  if (entry.type === 'tree') {
    const children = readTree(store, entry.sha) ?? [];
    return ok(children.map((child) => renderEntry(ctx, repo, ref, path ? `${path}/${child.name}` : child.name, child)));
  }
  const bytes = readBlob(store, entry.sha) ?? Buffer.alloc(0);
  if (/application\/vnd\.github(?:\.v3)?\.raw/.test(String(req.headers.accept ?? '')))
    return {
      status: 200,
      bytes,
      headers: { 'content-type': rawMediaType(req.headers.accept) },
    };
  return ok({
    ...renderEntry(ctx, repo, ref, path, entry),
    content: base64Lines(bytes),
    encoding: 'base64',
  });
};

/** Commits one change of `path` on `branch` (created from nothing in an empty repository) and moves the branch. */
function commitChange(ctx: RenderContext, repo: RepoRecord, req: RouteRequest, bytes: Buffer | null) {
  const body = req.body ?? {};
  const path = contentPath(req);
  const branch = stringField(body, 'branch') ?? repo.default_branch;
  const ref = repo.refs.find((r) => r.ref === `refs/heads/${branch}`);
  if (!ref && repo.commits.length > 0) throw new GitHubHttpError(404, `Branch ${branch} not found`);
  const store = gitStore(repo);
  const parent = ref ? repo.commits.find((c) => c.sha === ref.sha) : undefined;
  const existing = parent ? findPath(store, parent.tree, path) : undefined;
  if (existing?.type === 'tree') throw new GitHubHttpError(422, `${path} is a directory`);
  const given = stringField(body, 'sha');
  if (bytes === null && !existing) throw notFound();
  if (existing && given === undefined) throw new GitHubHttpError(422, `Invalid request.\n\n"sha" wasn't supplied.`);
  if (existing && given !== existing.sha) throw new GitHubHttpError(409, `${path} does not match ${given}`);
  const tree = applyChanges(store, parent?.tree ?? EMPTY_TREE_SHA, [
    {
      path,
      entry: bytes === null ? null : { mode: '100644', type: 'blob', sha: writeBlob(store, bytes) },
    },
  ]);
  const commit = makeCommit(
    ctx,
    repo,
    {
      message: stringField(body, 'message')!,
      tree,
      parents: parent ? [parent.sha] : [],
      author: personField(body.author, timestamp()),
      committer: personField(body.committer, timestamp()),
    },
    req.actor!,
  );
  if (ref) ref.sha = commit.sha;
  else repo.refs.push({ ref: `refs/heads/${branch}`, sha: commit.sha });
  const entry = findPath(store, tree, path);
  const rendered = renderGitCommit(ctx, repo, commit);
  return {
    created: !existing,
    content: entry ? renderEntry(ctx, repo, branch, path, entry) : null,
    commit: rendered,
  };
}

const putContent: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const result = commitChange(ctx, repo, req, Buffer.from(stringField(req.body, 'content') ?? '', 'base64'));
  return {
    status: result.created ? 201 : 200,
    body: { content: result.content, commit: result.commit },
  };
};

const deleteContent: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const result = commitChange(ctx, repo, req, null);
  return ok({ content: null, commit: result.commit });
};

export const contentRoutes: Record<string, RouteHandler> = {
  'repos/get-content': getContent,
  'repos/create-or-update-file-contents': putContent,
  'repos/delete-file': deleteContent,
};
