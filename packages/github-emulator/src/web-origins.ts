import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { findPath, readBlob, readTree } from './git-objects.ts';
import type { RenderContext } from './render-repo.ts';
import type { RouteResponse } from './routes-context.ts';
import { snappyLiterals } from './snappy.ts';
import { findRepo, gitStore, resolveCommitish, type AssetRecord, type RepoRecord } from './state.ts';

/**
 * The origins beside the API, as GitHub has them: the web origin (github.com: `browser_download_url`, raw files),
 * release asset storage (where downloads redirect to, with a signed, expiring URL), and GitHub Pages.
 */
export interface WebAccess {
  /** What a request's `Authorization` header may do: nothing (absent or unknown), read, or push. */
  access(authorization: string | undefined): 'none' | 'read' | 'push';
}

const STORAGE_LIFETIME_SECONDS = 300;
const NOT_FOUND: RouteResponse = {
  status: 404,
  bytes: Buffer.from('Not Found'),
  headers: { 'content-type': 'text/plain; charset=utf-8' },
};

function sign(ctx: RenderContext, object: string, expires: number): string {
  return createHmac('sha256', ctx.storageSecret).update(`${object}:${expires}`).digest('hex');
}

/** A storage URL for one object (`releases/{repo}/{asset}`, `attestations/{id}`), signed for five minutes. */
function signedStorageUrl(ctx: RenderContext, object: string, extra: Record<string, string>, now: number): string {
  const expires = Math.floor(now / 1000) + STORAGE_LIFETIME_SECONDS;
  const url = new URL(`${ctx.storageUrl}/${object}`);
  url.searchParams.set('X-Amz-Algorithm', 'AWS4-HMAC-SHA256');
  url.searchParams.set('X-Amz-Expires', String(STORAGE_LIFETIME_SECONDS));
  url.searchParams.set('X-Amz-Date', String(expires));
  url.searchParams.set('X-Amz-Signature', sign(ctx, object, expires));
  for (const [key, value] of Object.entries(extra)) url.searchParams.set(key, value);
  return url.toString();
}

/** A signed storage URL for an asset's bytes, valid for five minutes (as GitHub's redirects are). */
export function storageUrlFor(ctx: RenderContext, repo: RepoRecord, asset: AssetRecord, now = Date.now()): string {
  return signedStorageUrl(
    ctx,
    `releases/${repo.id}/${asset.id}`,
    { 'response-content-disposition': `attachment; filename=${asset.name}`, 'response-content-type': 'application/octet-stream' },
    now,
  );
}

/** `bundle_url` of an attestation: its bundle in storage, snappy-compressed JSON as GitHub keeps it. */
export function bundleUrlFor(ctx: RenderContext, attestationId: number, now = Date.now()): string {
  return signedStorageUrl(ctx, `attestations/${attestationId}`, {}, now);
}

function s3Error(status: number, code: string, message: string): RouteResponse {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  return {
    status,
    bytes: Buffer.from(xml),
    headers: { 'content-type': 'application/xml' },
  };
}

/**
 * Storage: the bytes for a valid signature. Like S3 behind GitHub's redirects, a request that also carries an
 * `Authorization` header is refused with 400 (a client must not forward the GitHub token to storage).
 */
export function handleStorageRequest(ctx: RenderContext, req: IncomingMessage): RouteResponse {
  const url = new URL(req.url ?? '/', ctx.storageUrl);
  if (req.headers.authorization !== undefined) {
    return s3Error(
      400,
      'InvalidArgument',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified',
    );
  }
  const object = url.pathname.slice(1);
  const expires = Number(url.searchParams.get('X-Amz-Date'));
  const given = Buffer.from(url.searchParams.get('X-Amz-Signature') ?? '');
  const expected = Buffer.from(sign(ctx, object, expires));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return s3Error(403, 'AccessDenied', 'Access Denied');
  if (expires * 1000 < Date.now()) return s3Error(403, 'AccessDenied', 'Request has expired');
  const attestation = /^attestations\/(\d+)$/.exec(object);
  if (attestation) {
    const bundle = ctx.state.repos.flatMap((r) => r.attestations).find((x) => x.id === Number(attestation[1]))?.bundle;
    if (!bundle) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
    return { status: 200, bytes: snappyLiterals(Buffer.from(JSON.stringify(bundle))), headers: { 'content-type': 'application/octet-stream' } };
  }
  const release = /^releases\/\d+\/(\d+)$/.exec(object);
  const asset = release ? findAsset(ctx, Number(release[1]))?.asset : undefined;
  if (!asset) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
  asset.download_count++;
  return {
    status: 200,
    bytes: Buffer.from(asset.data, 'base64'),
    headers: {
      'content-type': url.searchParams.get('response-content-type') ?? 'application/octet-stream',
      'content-disposition': url.searchParams.get('response-content-disposition') ?? `attachment; filename=${asset.name}`,
    },
  };
}

export function findAsset(ctx: RenderContext, assetId: number): { repo: RepoRecord; asset: AssetRecord; draft: boolean } | undefined {
  for (const repo of ctx.state.repos) {
    for (const release of repo.releases) {
      const asset = release.assets.find((a) => a.id === assetId);
      if (asset) return { repo, asset, draft: release.draft };
    }
  }
  return undefined;
}

/**
 * The web origin: `/{owner}/{repo}/releases/download/{tag}/{name}` redirects (302) to storage, as github.com
 * does; drafts need a token with push access and private repositories a token, otherwise 404. Also
 * `/{owner}/{repo}/raw/{ref}/{path}`, the contents API's `download_url`.
 */
export function handleWebRequest(ctx: RenderContext, access: WebAccess, req: IncomingMessage): RouteResponse {
  if (req.method !== 'GET' && req.method !== 'HEAD') return NOT_FOUND;
  const url = new URL(req.url ?? '/', ctx.webUrl);
  const parts = url.pathname.split('/').slice(1).map(decodeSegment);
  const repo = findRepo(ctx.state, parts[0] ?? '', parts[1] ?? '');
  const level = access.access(req.headers.authorization);
  if (!repo || (repo.private && level === 'none')) return NOT_FOUND;
  if (parts[2] === 'releases' && parts[3] === 'download' && parts.length === 6) {
    const [tag, name] = [parts[4]!, parts[5]!];
    const release = repo.releases.find((r) => (r.draft ? `untagged-${r.id}` : r.tag_name) === tag && (!r.draft || level === 'push'));
    const asset = release?.assets.find((a) => a.name === name);
    if (!asset) return NOT_FOUND;
    return {
      status: 302,
      headers: { location: storageUrlFor(ctx, repo, asset) },
    };
  }
  if (parts[2] === 'raw' && parts.length >= 5) return fileAt(repo, parts[3]!, parts.slice(4).join('/')) ?? NOT_FOUND;
  return NOT_FOUND;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const CONTENT_TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  json: 'application/json; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  tgz: 'application/gzip',
  gz: 'application/gzip',
  prov: 'text/plain; charset=utf-8',
};

function fileAt(repo: RepoRecord, ref: string, path: string): RouteResponse | undefined {
  const sha = resolveCommitish(repo, ref);
  const commit = sha ? repo.commits.find((c) => c.sha === sha) : undefined;
  const entry = commit ? findPath(gitStore(repo), commit.tree, path) : undefined;
  const bytes = entry?.type === 'blob' ? readBlob(gitStore(repo), entry.sha) : undefined;
  if (!bytes || !entry) return undefined;
  return {
    status: 200,
    bytes,
    headers: {
      'content-type': CONTENT_TYPES[path.split('.').at(-1) ?? ''] ?? 'application/octet-stream',
      etag: `"${entry.sha}"`,
    },
  };
}

/** Where a repository's GitHub Pages site is served: `{pages origin}/{owner}/{repo}/` (https://OWNER.github.io/REPO/). */
export function pagesSiteUrl(ctx: RenderContext, owner: string, repo: string): string {
  return `${ctx.pagesUrl}/${owner}/${repo}/`;
}

/**
 * GitHub Pages for a branch's files (`gh-pages` and `/` unless the repository's `pages` says otherwise), public
 * like a Pages site: a folder serves its `index.html` (301 to the trailing slash first), `If-None-Match` gets 304.
 */
export function handlePagesRequest(ctx: RenderContext, req: IncomingMessage): RouteResponse {
  if (req.method !== 'GET' && req.method !== 'HEAD') return NOT_FOUND;
  const url = new URL(req.url ?? '/', ctx.pagesUrl);
  const parts = url.pathname.split('/').slice(1).map(decodeSegment);
  const repo = findRepo(ctx.state, parts[0] ?? '', parts[1] ?? '');
  if (!repo) return NOT_FOUND;
  const branch = repo.pages?.branch ?? 'gh-pages';
  const folder = (repo.pages?.path ?? '/').replace(/^\/+|\/+$/g, '');
  const relative = parts.slice(2).join('/');
  const path = [folder, relative].filter(Boolean).join('/');
  const sha = resolveCommitish(repo, `refs/heads/${branch}`);
  const commit = sha ? repo.commits.find((c) => c.sha === sha) : undefined;
  if (!commit) return NOT_FOUND;
  const store = gitStore(repo);
  const entry = findPath(store, commit.tree, path.replace(/\/$/, ''));
  if (entry?.type === 'tree') {
    if (relative !== '' && !url.pathname.endsWith('/')) return { status: 301, headers: { location: `${url.pathname}/` } };
    if (!(readTree(store, entry.sha) ?? []).some((e) => e.name === 'index.html')) return NOT_FOUND;
  }
  const file = fileAt(repo, commit.sha, entry?.type === 'tree' ? [path.replace(/\/$/, ''), 'index.html'].filter(Boolean).join('/') : path);
  if (!file) return NOT_FOUND;
  const headers: Record<string, string> = {
    ...file.headers,
    'cache-control': 'max-age=600',
    'last-modified': new Date(commit.committer.date).toUTCString(),
  };
  if (req.headers['if-none-match'] === headers.etag) return { status: 304, headers };
  return { ...file, headers };
}
