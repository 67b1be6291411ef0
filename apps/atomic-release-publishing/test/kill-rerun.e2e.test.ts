import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Octokit } from '@octokit/rest';
import { RegistryClient } from '@chart-release/oci';
import { startReleaseSandbox, type ReleaseSandbox } from '@chart-release/testkit';
import { freshClone } from './fresh-clone.ts';
import { chartRelease } from './run-cli.ts';

// api-service has a file:// dependency on common-lib: it packages the same in every checkout too
const CHARTS = { 'api-service': '1.4', 'common-lib': '1.0', 'web-app': '0.3' } as const;

/** Where a run is killed: after this many GitHub writes of the run, or this many milliseconds after its first one. */
type KillPoint = { githubWrites: number } | { msAfterFirstWrite: number };

describe('publish killed with SIGKILL mid-run, re-run in a fresh clone', () => {
  let sandbox: ReleaseSandbox;
  let octokit: Octokit;
  let registry: RegistryClient;
  beforeAll(async () => {
    sandbox = await startReleaseSandbox({ charts: Object.keys(CHARTS) });
    // a killed run's lease expires after 4 s, so each re-run waits that long at most
    Object.assign(sandbox.env, { CHART_RELEASE_LEASE_TTL_SECONDS: '4' });
    octokit = new Octokit({ baseUrl: sandbox.github.url, auth: sandbox.github.token });
    registry = new RegistryClient({ registry: sandbox.registryHost, plainHttp: true });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  const writes = () => sandbox.github.requests.filter((r) => r.method !== 'GET' && r.status < 400).length;
  const released = async (patch: number) => {
    const all = (await octokit.rest.repos.listReleases({ owner: sandbox.owner, repo: sandbox.name, per_page: 100 })).data;
    return Object.entries(CHARTS).map(([name, minor]) => all.find((r) => r.tag_name === `${name}-v${minor}.${patch}`));
  };
  const registryDigests = async (patch: number) =>
    Object.fromEntries(
      await Promise.all(
        Object.entries(CHARTS).map(async ([name, minor]) => [name, (await registry.checkManifest(`acme/charts/${name}`, `${minor}.${patch}`))?.digest]),
      ),
    );

  // early (the first release writes), later (drafts and assets under way), and by the clock once writing began
  const points: KillPoint[] = [{ githubWrites: 2 }, { githubWrites: 9 }, { msAfterFirstWrite: 1500 }];

  it.each(points.map((p, i) => [i + 1, p] as const))('converges with the same digests after kill %i (%o)', async (patch, point) => {
    await sandbox.push(`release patch ${patch}`, async (repo) => {
      for (const [name, minor] of Object.entries(CHARTS)) {
        await repo.write(`charts/${name}/Chart.yaml`, (await repo.read(`charts/${name}/Chart.yaml`)).replace(/^version:.*$/m, `version: ${minor}.${patch}`));
      }
    });
    const first = await freshClone(sandbox);
    const second = await freshClone(sandbox);
    try {
      const before = writes();
      let firstWriteAt: number | undefined;
      const child = chartRelease(['publish', '--concurrency', '1'], { cwd: first.dir, env: sandbox.env });
      let exited = false;
      void child.then(() => (exited = true));
      const due = () => {
        if ('githubWrites' in point) return writes() - before >= point.githubWrites;
        if (firstWriteAt === undefined && writes() > before) firstWriteAt = Date.now();
        return firstWriteAt !== undefined && Date.now() - firstWriteAt >= point.msAfterFirstWrite;
      };
      while (!exited && !due()) await sleep(5);
      const killedMidRun = !exited;
      child.kill('SIGKILL');
      const killed = await child;
      expect(killedMidRun, killed.all).toBe(true);
      // mid-run: something was written, and not every release is public
      expect(writes() - before).toBeGreaterThan(0);
      expect((await released(patch)).every((r) => r && !r.draft)).toBe(false);
      const atKill = await registryDigests(patch);

      const rerun = await chartRelease(['publish', '--json'], { cwd: second.dir, env: sandbox.env });
      expect(rerun.exitCode, rerun.all).toBe(0);
      const report = JSON.parse(rerun.stdout) as { charts: { name: string; digest: string }[] };
      for (const c of report.charts) if (atKill[c.name]) expect(c.digest).toBe(atKill[c.name]);
      const releases = await released(patch);
      expect(releases.map((r) => [r?.draft, r?.assets.length])).toEqual([
        [false, 7],
        [false, 7],
        [false, 7],
      ]);
    } finally {
      await Promise.all([first.dispose(), second.dispose()]);
    }
  });
});
