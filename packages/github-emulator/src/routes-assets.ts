import { createHash } from 'node:crypto';
import { GitHubHttpError, notFound, validationFailed } from './github-errors.ts';
import { renderAsset } from './render-release.ts';
import type { RenderContext } from './render-repo.ts';
import { created, listed, noContent, numberParam, ok, repoOf, stringField, type RouteHandler, type RouteRequest } from './routes-context.ts';
import { storageUrlFor } from './web-origins.ts';
import { ensureUser, nextId, timestamp, type AssetRecord, type ReleaseRecord, type RepoRecord } from './state.ts';

function releaseOf(ctx: RenderContext, req: RouteRequest): { repo: RepoRecord; release: ReleaseRecord } {
  const repo = repoOf(ctx, req);
  const id = numberParam(req, 'release_id');
  const release = repo.releases.find((r) => r.id === id);
  if (!release || (release.draft && !req.canPush)) throw notFound();
  return { repo, release };
}

function assetOf(ctx: RenderContext, req: RouteRequest): { repo: RepoRecord; release: ReleaseRecord; asset: AssetRecord } {
  const repo = repoOf(ctx, req);
  const id = numberParam(req, 'asset_id');
  for (const release of repo.releases) {
    const asset = release.assets.find((a) => a.id === id);
    if (asset && (!release.draft || req.canPush)) return { repo, release, asset };
  }
  throw notFound();
}

/** GitHub renames assets: characters other than letters, digits, `.`, `-`, `_`, `+`, `@` become `.`. */
export function normaliseAssetName(name: string): string {
  return name.replace(/[^A-Za-z0-9._\-+@]/g, '.');
}

const list: RouteHandler = (ctx, req) => {
  const { repo, release } = releaseOf(ctx, req);
  return listed(req, release.assets, (a) => renderAsset(ctx, repo, release, a));
};

/**
 * POST {upload_url}?name=&label= with the bytes as the body and their Content-Type.
 * https://docs.github.com/en/rest/releases/assets#upload-a-release-asset
 */
const upload: RouteHandler = (ctx, req) => {
  const { repo, release } = releaseOf(ctx, req);
  const name = normaliseAssetName(req.url.searchParams.get('name') ?? '');
  if (!name) throw validationFailed('ReleaseAsset', 'missing_field', 'name');
  if (req.raw.length === 0) throw new GitHubHttpError(400, 'Bad Content-Length');
  if (release.assets.some((a) => a.name === name)) throw validationFailed('ReleaseAsset', 'already_exists', 'name');
  const now = timestamp();
  const asset: AssetRecord = {
    id: nextId(ctx.state),
    name,
    label: req.url.searchParams.get('label') || null,
    content_type: String(req.headers['content-type'] ?? 'application/octet-stream'),
    size: req.raw.length,
    digest: `sha256:${createHash('sha256').update(req.raw).digest('hex')}`,
    data: req.raw.toString('base64'),
    download_count: 0,
    uploader: ensureUser(ctx.state, req.actor!).login,
    created_at: now,
    updated_at: now,
  };
  release.assets.push(asset);
  const rendered = renderAsset(ctx, repo, release, asset);
  return created(rendered, rendered.url);
};

/** JSON by default; with `Accept: application/octet-stream` a 302 to a signed storage URL on another origin, as on GitHub. */
const get: RouteHandler = (ctx, req) => {
  const { repo, release, asset } = assetOf(ctx, req);
  if (String(req.headers.accept ?? '').includes('application/octet-stream')) {
    return { status: 302, headers: { location: storageUrlFor(ctx, repo, asset) } };
  }
  return ok(renderAsset(ctx, repo, release, asset));
};

const update: RouteHandler = (ctx, req) => {
  const { repo, release, asset } = assetOf(ctx, req);
  const name = stringField(req.body, 'name');
  if (name !== undefined) {
    const normalised = normaliseAssetName(name);
    if (release.assets.some((a) => a.id !== asset.id && a.name === normalised)) throw validationFailed('ReleaseAsset', 'already_exists', 'name');
    asset.name = normalised;
  }
  const label = stringField(req.body, 'label');
  if (label !== undefined) asset.label = label;
  asset.updated_at = timestamp();
  return ok(renderAsset(ctx, repo, release, asset));
};

const remove: RouteHandler = (ctx, req) => {
  const { release, asset } = assetOf(ctx, req);
  release.assets = release.assets.filter((a) => a.id !== asset.id);
  return noContent;
};

export const assetRoutes: Record<string, RouteHandler> = {
  'repos/list-release-assets': list,
  'repos/upload-release-asset': upload,
  'repos/get-release-asset': get,
  'repos/update-release-asset': update,
  'repos/delete-release-asset': remove,
};
