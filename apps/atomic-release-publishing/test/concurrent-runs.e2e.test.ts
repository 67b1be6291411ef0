import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Octokit } from '@octokit/rest';
import { HELM_CHART_LAYER, RegistryClient } from '@chart-release/oci';
import { startReleaseSandbox, type ReleaseSandbox } from '@chart-release/testkit';
import { freshClone } from './fresh-clone.ts';
import { chartRelease } from './run-cli.ts';

type ChartLine = { name: string; version: string; digest?: string; push?: string; status: string };

describe('two publish runs of the same push at once', () => {
  let sandbox: ReleaseSandbox;
  let clone: Awaited<ReturnType<typeof freshClone>>;
  beforeAll(async () => {
    sandbox = await startReleaseSandbox({ charts: ['common-lib', 'web-app'] });
    clone = await freshClone(sandbox);
  });
  afterAll(async () => {
    await Promise.all([sandbox?.stop(), clone?.dispose()]);
  });

  it('run one after the other through the lease: one publishes, the other waits and finds everything done', async () => {
    const env = { ...sandbox.env, CHART_RELEASE_LEASE_WAIT_SECONDS: '300' };
    const [a, b] = await Promise.all([
      chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env }),
      chartRelease(['publish', '--json'], { cwd: clone.dir, env: { ...env, GITHUB_RUN_ATTEMPT: '2' } }),
    ]);
    expect(a.exitCode, a.all).toBe(0);
    expect(b.exitCode, b.all).toBe(0);
    const waited = [a, b].filter((r) => r.stderr.includes('waiting for another publish run'));
    expect(waited).toHaveLength(1);
    const [first, second] = (waited[0] === a ? [b, a] : [a, b]).map((r) => JSON.parse(r.stdout).charts as ChartLine[]);
    expect(first!.map((c) => c.push)).toEqual(['pushed', 'pushed']);
    expect(second!.map((c) => c.push)).toEqual(['exists', 'exists']);
    expect(second!.map((c) => c.digest)).toEqual(first!.map((c) => c.digest));

    // each release once, published, and its .tgz the very chart layer the registry holds
    const octokit = new Octokit({ baseUrl: sandbox.github.url, auth: sandbox.github.token });
    const releases = (await octokit.rest.repos.listReleases({ owner: sandbox.owner, repo: sandbox.name })).data;
    expect(releases.map((r) => [r.tag_name, r.draft, r.assets.length]).sort()).toEqual([
      ['common-lib-v1.0.0', false, 7],
      ['web-app-v0.3.0', false, 7],
    ]);
    const registry = new RegistryClient({ registry: sandbox.registryHost, plainHttp: true });
    for (const c of first!) {
      const release = releases.find((r) => r.tag_name === `${c.name}-v${c.version}`)!;
      const asset = release.assets.find((x) => x.name === `${c.name}-${c.version}.tgz`)!;
      const bytes = Buffer.from(
        (
          await octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
            owner: sandbox.owner,
            repo: sandbox.name,
            asset_id: asset.id,
            headers: { accept: 'application/octet-stream' },
          })
        ).data as unknown as ArrayBuffer,
      );
      const manifest = await registry.getManifest(`acme/charts/${c.name}`, c.digest!);
      expect(`sha256:${createHash('sha256').update(bytes).digest('hex')}`).toBe(
        manifest.manifest.layers!.find((l) => l.mediaType === HELM_CHART_LAYER)!.digest,
      );
    }
  });
});
