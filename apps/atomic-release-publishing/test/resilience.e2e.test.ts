import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { Octokit } from '@octokit/rest';
import { startReleaseSandbox, type ReleaseSandbox } from '@chart-release/testkit';
import { chartRelease } from './run-cli.ts';

const TAGS = ['api-service-v1.4.0', 'common-lib-v1.0.0', 'web-app-v0.3.0'];

async function releases(sandbox: ReleaseSandbox) {
  const octokit = new Octokit({ baseUrl: sandbox.github.url, auth: sandbox.github.token });
  return (await octokit.rest.repos.listReleases({ owner: sandbox.owner, repo: sandbox.name, per_page: 100 })).data;
}

/** Every chart published exactly once, each release with its seven assets, none left as a draft. */
async function expectConverged(sandbox: ReleaseSandbox) {
  const all = await releases(sandbox);
  expect(all.map((r) => [r.tag_name, r.draft]).sort()).toEqual(TAGS.map((t) => [t, false]));
  for (const r of all) {
    expect(r.assets).toHaveLength(7);
    expect(new Set(r.assets.map((a) => a.name)).size).toBe(7);
  }
}

function digestsOf(report: { charts: { name: string; digest?: string }[] }) {
  return Object.fromEntries(report.charts.map((c) => [c.name, c.digest]));
}

describe('a publish run that fails or is killed', () => {
  let sandbox: ReleaseSandbox | undefined;
  afterEach(async () => {
    await sandbox?.stop();
    sandbox = undefined;
  });

  it('leaves no published release when one chart fails, and a re-run finishes the job with the same digests', async () => {
    sandbox = await startReleaseSandbox({
      // every manifest PUT of web-app is refused: its push fails, after the other charts may already be pushed
      registryFaults: { rate: 1, kinds: ['401'], maxConsecutive: 1_000_000, only: /^PUT \/v2\/acme\/charts\/web-app\/manifests\// },
    });
    const failed = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(failed.exitCode, failed.all).toBe(1);
    const report = JSON.parse(failed.stdout);
    expect(report.ok).toBe(false);
    expect(report.charts.find((c: { name: string }) => c.name === 'web-app')).toMatchObject({ status: 'failed' });
    expect(report.resume).toMatch(/No release was published/);
    expect((await releases(sandbox)).filter((r) => !r.draft)).toEqual([]);
    expect(await releases(sandbox)).toEqual([]); // this run's drafts were deleted too
    expect(failed.all).not.toContain(sandbox.github.token);

    sandbox.proxy!.setFaults(undefined);
    const rerun = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(rerun.exitCode, rerun.all).toBe(0);
    const final = JSON.parse(rerun.stdout);
    for (const [name, digest] of Object.entries(digestsOf(report))) if (digest) expect(digestsOf(final)[name]).toBe(digest);
    await expectConverged(sandbox);
  });

  it('converges after kill -9 at several points', async () => {
    sandbox = await startReleaseSandbox();
    // a killed run cannot give its lease back: the next run takes it over once it lapses, here after 4 s
    Object.assign(sandbox.env, { CHART_RELEASE_LEASE_TTL_SECONDS: '4' });
    const s = sandbox;
    const journalPath = join(s.repo.dir, '.chart-release', 'journal.json');
    const journal = async () => (existsSync(journalPath) ? JSON.parse(await readFile(journalPath, 'utf8').catch(() => '{}')) : {});
    const killWhen = async (condition: () => Promise<boolean>) => {
      const child = chartRelease(['publish', '--concurrency', '1'], { cwd: s.repo.dir, env: s.env });
      let killed = false;
      let exited = false;
      void child.then(() => (exited = true));
      const watcher = (async () => {
        while (!exited && !killed) {
          if (await condition().catch(() => false)) {
            child.kill('SIGKILL');
            killed = true;
          }
          await sleep(10);
        }
      })();
      const result = await child;
      await watcher;
      return { killed, result };
    };
    const charts = async () => Object.values((await journal()).charts ?? {}) as { pushed?: unknown; release?: { draft: boolean } }[];

    // 1. right after the first chart reached the registry
    const first = await killWhen(async () => (await charts()).some((c) => c.pushed));
    expect(first.killed, first.result.all).toBe(true);
    // 2. right after the first draft release exists
    const second = await killWhen(async () => (await charts()).some((c) => c.release));
    expect(second.killed, second.result.all).toBe(true);
    // 3. in the middle of publishing the drafts
    // (watched in the emulator's request log: polling the API would spend the run's rate limit)
    const third = await killWhen(async () =>
      s.github.requests.some(
        (r) => r.operationId === 'repos/update-release' && r.status === 200 && (r.body as { draft?: boolean } | undefined)?.draft === false,
      ),
    );
    expect(third.killed || third.result.exitCode === 0, third.result.all).toBe(true);

    const last = await chartRelease(['publish', '--json'], { cwd: s.repo.dir, env: s.env });
    expect(last.exitCode, last.all).toBe(0);
    await expectConverged(s);
    expect(JSON.parse(last.stdout).charts.every((c: { push: string }) => c.push === 'exists')).toBe(true);
  });

  it('converges when the registry and the GitHub API each fail 30% of requests', async () => {
    sandbox = await startReleaseSandbox({
      registryFaults: { rate: 0.3, kinds: ['503', '429', 'reset'], seed: 7 },
      githubFaults: { errorRate: 0.3, errorStatuses: [502, 503], seed: 11 },
    });
    let run = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    // retries absorb the faults; should one request still fail every retry (about 1% each at this rate), a re-run
    // finishes the job
    for (let attempt = 0; attempt < 4 && run.exitCode !== 0; attempt++) {
      run = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    }
    expect(run.exitCode, run.all).toBe(0);
    sandbox.github.setFaults({});
    await expectConverged(sandbox);
    expect(sandbox.proxy!.stats.faults['503'] + sandbox.proxy!.stats.faults['429'] + sandbox.proxy!.stats.faults.reset).toBeGreaterThan(0);
  }, 600_000);
});
