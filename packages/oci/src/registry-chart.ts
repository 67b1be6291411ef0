import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ReleaseError } from '@chart-release/core';
import { parseChartArchive } from './chart-archive.ts';
import type { HelmRunner } from './helm-cli.ts';
import { chartLayer } from './push.ts';
import type { RegistryClient } from './registry.ts';

/** sha256 (hex) of the chart layer of `repository@digest` (helm's layer, or the legacy one); NOT_A_CHART without one. */
export async function chartLayerSha256(client: RegistryClient, repository: string, digest: string): Promise<string> {
  const { manifest } = await client.getManifest(repository, digest);
  const layer = chartLayer(manifest);
  if (!layer)
    throw new ReleaseError('NOT_A_CHART', `${repository}@${digest} has no helm chart layer.`, { hint: 'point at a chart pushed by helm or chart-release.' });
  return layer.digest.replace(/^sha256:/, '');
}

/**
 * `helm show chart` and (unless it is a library chart) `helm template` of the chart at `repository@digest`, offline:
 * the chart layer is read from the registry and rendered from a local file. Returns the version its Chart.yaml
 * states; CHART_CHECK_FAILED when helm cannot read or render it.
 */
export async function checkRegistryChart(client: RegistryClient, repository: string, digest: string, helm: HelmRunner = {}): Promise<{ version: string }> {
  const sha = await chartLayerSha256(client, repository, digest);
  const bytes = await client.getBlob(repository, `sha256:${sha}`);
  const dir = await mkdtemp(join(tmpdir(), 'chart-check-'));
  const run = (args: string[]) => execa(helm.binary ?? 'helm', args, { env: helm.env, reject: false, stdin: 'ignore' });
  try {
    const tgz = join(dir, 'chart.tgz');
    await writeFile(tgz, bytes);
    const show = await run(['show', 'chart', tgz]);
    if (show.exitCode !== 0)
      throw new ReleaseError('CHART_CHECK_FAILED', `helm show chart failed for ${repository}@${digest}: ${show.stderr}`, {
        hint: 'the digest is not a readable chart.',
      });
    const { chart } = parseChartArchive(bytes, `${repository}@${digest}`);
    if (chart.type !== 'library') {
      const rendered = await run(['template', 'promotion-check', tgz]);
      if (rendered.exitCode !== 0) {
        throw new ReleaseError('CHART_CHECK_FAILED', `helm template failed for ${repository}@${digest}: ${rendered.stderr.trim()}`, {
          hint: 'fix the chart and publish a new version.',
        });
      }
    }
    return { version: chart.version };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
