import { createHash } from 'node:crypto';
import { ReleaseError } from '@chart-release/core';
import { describeGitHubError, type GitHubClient, type RepositoryRef } from '@chart-release/github-client';
import type { IndexAddition } from './helm-index.ts';
import type { ReleaseIndex } from './release-index.ts';
import type { ExistingAsset, ExistingRelease } from './release-state.ts';

/** The chart package attached to a release: the asset named `<chart>-<version>.tgz`, as chart-releaser and chart-release name it. */
export function chartPackageAsset(release: ExistingRelease, chart: string, version: string): ExistingAsset | undefined {
  return release.assets.find((a) => a.name === `${chart}-${version}.tgz` && a.state === 'uploaded');
}

/** Downloads a release asset's bytes through the API (GET releases/assets/{id} as application/octet-stream). */
export async function downloadReleaseAsset(octokit: GitHubClient, repo: RepositoryRef, asset: ExistingAsset, chart?: string): Promise<Buffer> {
  try {
    const response = await octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
      ...repo,
      asset_id: asset.id,
      headers: { accept: 'application/octet-stream' },
      request: { parseSuccessResponseBody: false },
    });
    const chunks: Uint8Array[] = [];
    for await (const chunk of response.data as unknown as ReadableStream<Uint8Array>) chunks.push(chunk);
    return Buffer.concat(chunks);
  } catch (error) {
    throw describeGitHubError(error, { doing: `downloading ${asset.name}`, chart, permission: 'contents: write' });
  }
}

/**
 * The index entries of every chart package published in the repository's releases (any tag template), for
 * rebuilding the index: each `.tgz` asset downloaded, its Chart.yaml read with `readChartYaml`, digested.
 * `created` is the release's publication time, so a rebuild of the same releases gives the same entries.
 */
export async function publishedChartPackages(
  octokit: GitHubClient,
  existing: ReleaseIndex,
  readChartYaml: (tgz: Buffer, name: string) => Record<string, unknown>,
): Promise<IndexAddition[]> {
  const out: IndexAddition[] = [];
  for (const release of existing.published()) {
    for (const asset of release.assets.filter((a) => a.name.endsWith('.tgz') && a.state === 'uploaded')) {
      const bytes = await downloadReleaseAsset(octokit, existing.repository, asset);
      const chartYaml = readChartYaml(bytes, asset.name);
      const name = String(chartYaml.name);
      const version = String(chartYaml.version);
      if (asset.name !== `${name}-${version}.tgz`) continue;
      const digest = createHash('sha256').update(bytes).digest('hex');
      if (asset.digest && asset.digest !== `sha256:${digest}`) {
        throw new ReleaseError(
          'ASSET_CORRUPTED',
          `${asset.name} of release ${release.tag} downloaded with digest sha256:${digest}, but GitHub reports ${asset.digest}.`,
          {
            chart: name,
            hint: 're-run; if it persists the asset is damaged and the release must be published again under a new version.',
          },
        );
      }
      if (!asset.downloadUrl) throw new ReleaseError('ASSET_URL_MISSING', `GitHub gave no download URL for ${asset.name} of ${release.tag}.`, { chart: name });
      out.push({ name, version, chartYaml, digest, url: asset.downloadUrl, created: new Date(release.publishedAt ?? Date.now()) });
    }
  }
  return out;
}
