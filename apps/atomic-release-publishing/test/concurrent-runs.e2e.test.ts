import { createHash } from 'node:crypto';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
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

describe('two publish runs of different pushes at once', () => {
  let sandbox: ReleaseSandbox;
  const clones: Awaited<ReturnType<typeof freshClone>>[] = [];
  beforeAll(async () => {
    sandbox = await startReleaseSandbox({ charts: ['common-lib', 'web-app'], signing: 'none' });
    const first = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(first.exitCode, first.all).toBe(0);
  });
  afterAll(async () => {
    await Promise.all([sandbox?.stop(), ...clones.map((c) => c.dispose())]);
  });

  /** A push bumping `chart`, and the checkout and environment of the run it starts (its own event file). */
  async function pushRun(chart: string, from: string, to: string): Promise<{ dir: string; env: Record<string, string> }> {
    await sandbox.push(`${chart} ${to}`, async (repo) => {
      const file = `charts/${chart}/Chart.yaml`;
      await repo.write(file, (await repo.read(file)).replace(`version: ${from}`, `version: ${to}`));
    });
    const clone = await freshClone(sandbox);
    clones.push(clone);
    const eventPath = join(clone.dir, '..', 'event.json');
    await copyFile(sandbox.env.GITHUB_EVENT_PATH!, eventPath);
    return { dir: clone.dir, env: { ...sandbox.env, GITHUB_EVENT_PATH: eventPath, CHART_RELEASE_LEASE_WAIT_SECONDS: '300' } };
  }

  it('each releases its own chart and the Helm index ends up with both', async () => {
    const webApp = await pushRun('web-app', '0.3.0', '0.3.1');
    const commonLib = await pushRun('common-lib', '1.0.0', '1.0.1');
    const [a, b] = await Promise.all([
      chartRelease(['publish', '--json'], { cwd: webApp.dir, env: { ...webApp.env, GITHUB_RUN_ID: '5001' } }),
      chartRelease(['publish', '--json'], { cwd: commonLib.dir, env: { ...commonLib.env, GITHUB_RUN_ID: '5002' } }),
    ]);
    expect(a.exitCode, a.all).toBe(0);
    expect(b.exitCode, b.all).toBe(0);
    expect((JSON.parse(a.stdout).charts as ChartLine[]).map((c) => `${c.name}@${c.version}:${c.push}`)).toEqual(['web-app@0.3.1:pushed']);
    expect((JSON.parse(b.stdout).charts as ChartLine[]).map((c) => `${c.name}@${c.version}:${c.push}`)).toEqual(['common-lib@1.0.1:pushed']);

    const octokit = new Octokit({ baseUrl: sandbox.github.url, auth: sandbox.github.token });
    const releases = (await octokit.rest.repos.listReleases({ owner: sandbox.owner, repo: sandbox.name })).data;
    expect(releases.map((r) => [r.tag_name, r.draft]).sort()).toEqual([
      ['common-lib-v1.0.0', false],
      ['common-lib-v1.0.1', false],
      ['web-app-v0.3.0', false],
      ['web-app-v0.3.1', false],
    ]);
    const res = await fetch(`${sandbox.github.pagesSiteUrl(sandbox.owner, sandbox.name)}index.yaml`);
    const index = parse(await res.text()) as { entries: Record<string, { version: string }[]> };
    expect(Object.fromEntries(Object.entries(index.entries).map(([name, entries]) => [name, entries.map((e) => e.version).sort()]))).toEqual({
      'common-lib': ['1.0.0', '1.0.1'],
      'web-app': ['0.3.0', '0.3.1'],
    });
  });
});
