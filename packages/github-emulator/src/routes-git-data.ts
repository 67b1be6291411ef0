import { signedCommit, unsignedCommit, noreplyEmail, WEB_FLOW_COMMITTER } from './commit-signing.ts';
import { GitHubHttpError, notFound } from './github-errors.ts';
import { applyChanges, listTree, readBlob, readTree, writeBlob, type PathChange, type TreeEntry } from './git-objects.ts';
import { renderGitCommit } from './render-git.ts';
import { nodeId, repoApiUrl, type RenderContext } from './render-repo.ts';
import { created, ok, repoOf, stringField, type RouteHandler, type RouteRequest } from './routes-context.ts';
import { ensureUser, gitStore, timestamp, type CommitRecord, type GitPerson, type RepoRecord } from './state.ts';

/**
 * The Git Data API: blobs, trees and commits, hashed as git hashes them.
 * https://docs.github.com/en/rest/git
 */
function unprocessable(message: string): GitHubHttpError {
  return new GitHubHttpError(422, message, {
    documentation_url: 'https://docs.github.com/rest/git',
  });
}

/** GitHub answers 409 for Git Data reads and writes on a repository with no commits. */
export function nonEmptyRepoOf(ctx: RenderContext, req: RouteRequest): RepoRecord {
  const repo = repoOf(ctx, req);
  if (repo.commits.length === 0) throw new GitHubHttpError(409, 'Git Repository is empty.');
  return repo;
}

const createBlob: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const content = stringField(req.body, 'content') ?? '';
  const encoding = stringField(req.body, 'encoding') ?? 'utf-8';
  if (encoding !== 'utf-8' && encoding !== 'base64') throw unprocessable(`encoding must be "utf-8" or "base64"`);
  const sha = writeBlob(gitStore(repo), Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'));
  const url = `${repoApiUrl(ctx, repo)}/git/blobs/${sha}`;
  return created({ sha, url }, url);
};

/** The raw media type a client asked for (`application/vnd.github.v3.raw` or `application/vnd.github.raw`), as GitHub echoes it. */
export function rawMediaType(accept: string | undefined): string {
  return `${/vnd\.github\.v3\.raw/.test(accept ?? '') ? 'application/vnd.github.v3.raw' : 'application/vnd.github.raw'}; charset=utf-8`;
}

/** Base64 in lines of 60 characters, each ending in a newline, as GitHub sends blob and file content. */
export function base64Lines(bytes: Buffer): string {
  return (bytes.toString('base64').match(/.{1,60}/g) ?? []).map((line) => `${line}\n`).join('');
}

const getBlob: RouteHandler = (ctx, req) => {
  const repo = nonEmptyRepoOf(ctx, req);
  const sha = req.params.file_sha ?? '';
  const bytes = readBlob(gitStore(repo), sha);
  if (!bytes) throw notFound();
  if (/application\/vnd\.github(?:\.v3)?\.raw/.test(String(req.headers.accept ?? '')))
    return {
      status: 200,
      bytes,
      headers: { 'content-type': rawMediaType(req.headers.accept) },
    };
  return ok({
    sha,
    node_id: nodeId('Blob', sha),
    size: bytes.length,
    url: `${repoApiUrl(ctx, repo)}/git/blobs/${sha}`,
    content: base64Lines(bytes),
    encoding: 'base64',
  });
};

/** `git-tree`; blobs carry their size, as on GitHub. */
export function renderTree(ctx: RenderContext, repo: RepoRecord, sha: string, recursive: boolean) {
  const api = repoApiUrl(ctx, repo);
  const store = gitStore(repo);
  return {
    sha,
    url: `${api}/git/trees/${sha}`,
    tree: listTree(store, sha, recursive).map((e) => ({
      path: e.path,
      mode: e.mode,
      type: e.type,
      sha: e.sha,
      ...(e.type === 'blob'
        ? {
            size: readBlob(store, e.sha)?.length ?? 0,
            url: `${api}/git/blobs/${e.sha}`,
          }
        : e.type === 'tree'
          ? { url: `${api}/git/trees/${e.sha}` }
          : {}),
    })),
    truncated: false,
  };
}

interface TreeItem {
  path?: string;
  mode?: string;
  type?: string;
  sha?: string | null;
  content?: string;
}

/** `tree` entries (each a path, a mode, a type and a `sha` or `content`; `sha: null` deletes) on `base_tree`. */
const createTree: RouteHandler = (ctx, req) => {
  const repo = nonEmptyRepoOf(ctx, req);
  const store = gitStore(repo);
  const base = stringField(req.body, 'base_tree');
  if (base !== undefined && !readTree(store, base)) throw unprocessable('base_tree is not a valid tree oid');
  const changes: PathChange[] = [];
  for (const item of (req.body?.tree ?? []) as TreeItem[]) {
    const path = item.path ?? '';
    const type = (item.type ?? 'blob') as TreeEntry['type'];
    if (!path || path.startsWith('/') || path.endsWith('/') || path.split('/').some((s) => s === '' || s === '.' || s === '..'))
      throw unprocessable(`tree.path contains a malformed path component`);
    if (item.content !== undefined && item.sha !== undefined) throw unprocessable('Must supply either tree.sha or tree.content, not both');
    if (item.sha === null) {
      changes.push({ path, entry: null });
      continue;
    }
    const sha = item.content !== undefined ? writeBlob(store, Buffer.from(item.content, 'utf8')) : item.sha;
    if (!sha) throw unprocessable('Must supply either tree.sha or tree.content');
    const exists = type === 'blob' ? readBlob(store, sha) !== undefined : type === 'tree' ? readTree(store, sha) !== undefined : true;
    if (!exists) throw unprocessable(`tree.sha ${sha} is not a valid ${type}`);
    changes.push({ path, entry: { mode: item.mode ?? '100644', type, sha } });
  }
  const sha = applyChanges(store, base, changes);
  const rendered = renderTree(ctx, repo, sha, false);
  return created(rendered, rendered.url);
};

const getTree: RouteHandler = (ctx, req) => {
  const repo = nonEmptyRepoOf(ctx, req);
  const sha = req.params.tree_sha ?? '';
  const commit = repo.commits.find((c) => c.sha === sha);
  const treeSha = commit ? commit.tree : sha;
  if (!readTree(gitStore(repo), treeSha)) throw notFound();
  const recursive = req.url.searchParams.get('recursive');
  return ok(renderTree(ctx, repo, treeSha, recursive !== null && recursive !== '' && recursive !== '0' && recursive !== 'false'));
};

/** The account's identity for commits GitHub makes for it. */
export function tokenPerson(ctx: RenderContext, login: string, date: string): GitPerson {
  return {
    name: login,
    email: noreplyEmail(login, ensureUser(ctx.state, login).id),
    date,
  };
}

/** A request's `author` / `committer` object as a git person (its date, or `fallbackDate`). */
export function personField(value: unknown, fallbackDate: string): GitPerson | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const p = value as { name?: string; email?: string; date?: string };
  return {
    name: p.name ?? '',
    email: p.email ?? '',
    date: p.date ? timestamp(new Date(p.date)) : fallbackDate,
  };
}

/**
 * A commit made through the API: signed by GitHub when neither `author` nor `committer` nor `signature` is given
 * (the token's account as author, GitHub as committer), unsigned otherwise.
 */
export function makeCommit(
  ctx: RenderContext,
  repo: RepoRecord,
  fields: {
    message: string;
    tree: string;
    parents: string[];
    author?: GitPerson;
    committer?: GitPerson;
    signature?: string;
  },
  actor: string,
): CommitRecord {
  const now = timestamp();
  const base = {
    tree: fields.tree,
    parents: fields.parents,
    message: fields.message,
    authorLogin: actor,
  };
  const commit =
    fields.author || fields.committer || fields.signature
      ? unsignedCommit(
          {
            ...base,
            author: fields.author ?? fields.committer ?? tokenPerson(ctx, actor, now),
            committer: fields.committer ?? fields.author ?? tokenPerson(ctx, actor, now),
          },
          fields.signature,
        )
      : signedCommit(
          {
            ...base,
            author: tokenPerson(ctx, actor, now),
            committer: { ...WEB_FLOW_COMMITTER, date: now },
          },
          now,
        );
  if (!repo.commits.some((c) => c.sha === commit.sha)) repo.commits.push(commit);
  return repo.commits.find((c) => c.sha === commit.sha)!;
}

const createCommit: RouteHandler = (ctx, req) => {
  const repo = nonEmptyRepoOf(ctx, req);
  const body = req.body ?? {};
  const tree = stringField(body, 'tree')!;
  if (!readTree(gitStore(repo), tree)) throw unprocessable('Tree SHA does not exist');
  const parents = ((body.parents as string[] | undefined) ?? []).map(String);
  for (const parent of parents) if (!repo.commits.some((c) => c.sha === parent)) throw unprocessable('Parent SHA does not exist or is not a commit object');
  const now = timestamp();
  const commit = makeCommit(
    ctx,
    repo,
    {
      message: stringField(body, 'message')!,
      tree,
      parents,
      author: personField(body.author, now),
      committer: personField(body.committer, now),
      signature: stringField(body, 'signature'),
    },
    req.actor!,
  );
  const rendered = renderGitCommit(ctx, repo, commit);
  return created(rendered, rendered.url);
};

const getCommit: RouteHandler = (ctx, req) => {
  const repo = nonEmptyRepoOf(ctx, req);
  const commit = repo.commits.find((c) => c.sha === req.params.commit_sha);
  if (!commit) throw notFound();
  return ok(renderGitCommit(ctx, repo, commit));
};

export const gitDataRoutes: Record<string, RouteHandler> = {
  'git/create-blob': createBlob,
  'git/get-blob': getBlob,
  'git/create-tree': createTree,
  'git/get-tree': getTree,
  'git/create-commit': createCommit,
  'git/get-commit': getCommit,
};
