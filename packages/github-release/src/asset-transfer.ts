import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { ReleaseError } from '@chart-release/core';
import type { GitHubClient, RepositoryRef } from '@chart-release/github-client';
import type { PlannedAsset } from './assets.ts';
import { toExistingAsset } from './release-index.ts';
import type { ExistingAsset } from './release-state.ts';

/**
 * A request body that reads a file from disk each time it is iterated, so an upload streams instead of loading
 * the file in memory, and a retried upload (after a 5xx or a secondary rate limit) sends the whole file again.
 */
class FileBody {
  readonly path: string;
  constructor(path: string) {
    this.path = path;
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    for await (const chunk of createReadStream(this.path)) yield chunk as Buffer;
  }
}

/**
 * Uploads a file to a release through its `upload_url` (which names the uploads host, or the API host on GitHub
 * Enterprise Server). https://docs.github.com/en/rest/releases/assets#upload-a-release-asset
 */
export async function uploadAsset(octokit: GitHubClient, uploadUrl: string, asset: PlannedAsset): Promise<ExistingAsset> {
  const response = await octokit.request({
    method: 'POST',
    url: uploadUrl,
    name: asset.name,
    data: new FileBody(asset.path),
    headers: { 'content-type': asset.contentType, 'content-length': asset.size },
  });
  return toExistingAsset(response.data);
}

/** All assets of a release (the listing embeds them, but a failed upload needs a fresh look). */
export async function listAssets(octokit: GitHubClient, repo: RepositoryRef, releaseId: number): Promise<ExistingAsset[]> {
  const assets = await octokit.paginate(octokit.rest.repos.listReleaseAssets, { ...repo, release_id: releaseId, per_page: 100 });
  return assets.map(toExistingAsset);
}

/** Deletes an asset; one that is already gone counts as deleted. */
export async function deleteAsset(octokit: GitHubClient, repo: RepositoryRef, assetId: number): Promise<void> {
  try {
    await octokit.rest.repos.deleteReleaseAsset({ ...repo, asset_id: assetId });
  } catch (error) {
    if ((error as { status?: number }).status !== 404) throw error;
  }
}

/** `sha256:<hex>` of an asset's content, downloaded as a stream (for servers that report no digest). */
export async function downloadDigest(octokit: GitHubClient, repo: RepositoryRef, assetId: number, chart: string): Promise<string> {
  const response = await octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
    ...repo,
    asset_id: assetId,
    headers: { accept: 'application/octet-stream' },
    request: { parseSuccessResponseBody: false },
  });
  const body = response.data as unknown as ReadableStream<Uint8Array> | null;
  if (!body) throw new ReleaseError('ASSET_DOWNLOAD_FAILED', `asset ${assetId} of ${repo.owner}/${repo.repo} came back empty.`, { chart });
  const hash = createHash('sha256');
  for await (const chunk of body) hash.update(chunk);
  return `sha256:${hash.digest('hex')}`;
}
