import { htmlUrl, nodeId, renderUser, repoApiUrl, type RenderContext } from './render-repo.ts';
import type { AssetRecord, ReleaseRecord, RepoRecord } from './state.ts';

/** `release`: the upload_url points at the uploads origin (GitHub's at uploads.github.com). */
export function renderRelease(ctx: RenderContext, repo: RepoRecord, release: ReleaseRecord) {
  const api = `${repoApiUrl(ctx, repo)}/releases/${release.id}`;
  const html = htmlUrl(ctx, `${repo.owner}/${repo.name}`);
  // drafts have no tag yet; GitHub shows them under an untagged-… name
  const tagPath = release.draft ? `untagged-${release.id}` : encodeURIComponent(release.tag_name);
  return {
    url: api,
    html_url: `${html}/releases/tag/${tagPath}`,
    assets_url: `${api}/assets`,
    upload_url: `${ctx.uploadsUrl}/repos/${repo.owner}/${repo.name}/releases/${release.id}/assets{?name,label}`,
    tarball_url: release.draft ? null : `${repoApiUrl(ctx, repo)}/tarball/${encodeURIComponent(release.tag_name)}`,
    zipball_url: release.draft ? null : `${repoApiUrl(ctx, repo)}/zipball/${encodeURIComponent(release.tag_name)}`,
    id: release.id,
    node_id: nodeId('Release', release.id),
    tag_name: release.tag_name,
    target_commitish: release.target_commitish,
    name: release.name,
    body: release.body,
    draft: release.draft,
    prerelease: release.prerelease,
    immutable: false,
    created_at: release.created_at,
    published_at: release.published_at,
    updated_at: release.updated_at,
    author: renderUser(ctx, release.author),
    assets: release.assets.map((asset) => renderAsset(ctx, repo, release, asset)),
  };
}

/** `release-asset`. */
export function renderAsset(ctx: RenderContext, repo: RepoRecord, release: ReleaseRecord, asset: AssetRecord) {
  const tag = release.draft ? `untagged-${release.id}` : release.tag_name;
  return {
    url: `${repoApiUrl(ctx, repo)}/releases/assets/${asset.id}`,
    browser_download_url: `${ctx.webUrl}/${repo.owner}/${repo.name}/releases/download/${encodeURIComponent(tag)}/${encodeURIComponent(asset.name)}`,
    id: asset.id,
    node_id: nodeId('ReleaseAsset', asset.id),
    name: asset.name,
    label: asset.label,
    state: 'uploaded',
    content_type: asset.content_type,
    size: asset.size,
    digest: asset.digest,
    download_count: asset.download_count,
    created_at: asset.created_at,
    updated_at: asset.updated_at,
    uploader: renderUser(ctx, asset.uploader),
  };
}
