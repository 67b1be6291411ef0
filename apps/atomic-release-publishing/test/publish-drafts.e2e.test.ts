import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Octokit } from '@octokit/rest';
import { startReleaseSandbox, type ReleaseSandbox } from '@chart-release/testkit';
import { chartRelease } from './run-cli.ts';

describe('a failure in the middle of publishing the drafts', () => {
  let sandbox: ReleaseSandbox;
  beforeAll(async () => {
    sandbox = await startReleaseSandbox({ charts: ['common-lib', 'web-app'], signing: 'none' });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });
  const releases = async () => {
    const octokit = new Octokit({ baseUrl: sandbox.github.url, auth: sandbox.github.token });
    return (await octokit.rest.repos.listReleases({ owner: sandbox.owner, repo: sandbox.name })).data.map((r) => [r.tag_name, r.draft]).sort();
  };

  it.skip('skipped: fails since the index stage landed, to be fixed: says which charts are public, with a code of its own, and a re-run finishes the job', async () => {
    // the moment the first draft is public, GitHub starts refusing every further release update
    const requests = sandbox.github.requests;
    const push = requests.push.bind(requests);
    requests.push = (...records) => {
      const published = records.some((r) => r.operationId === 'repos/update-release' && r.status === 200 && (r.body as { draft?: boolean })?.draft === false);
      if (published) sandbox.github.setFaults({ failNext: 1_000_000, errorStatuses: [502], routes: ['repos/update-release'] });
      return push(...records);
    };
    const actions = await mkdtemp(join(tmpdir(), 'actions-files-'));
    const env = {
      ...sandbox.env,
      GITHUB_STEP_SUMMARY: join(actions, 'summary.md'),
      GITHUB_OUTPUT: join(actions, 'output'),
      CHART_RELEASE_PUBLISH_ATTEMPTS: '1',
    };
    const run = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env });
    requests.push = push;
    sandbox.github.setFaults({});

    expect(run.exitCode, run.all).toBe(3);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ ok: false, incomplete: true });
    expect(report.charts.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([
      ['common-lib', 'published'],
      ['web-app', 'drafted'],
    ]);
    expect(report.errors).toEqual([
      expect.objectContaining({ code: 'PUBLISH_INCOMPLETE', chart: 'web-app', details: { tag: 'web-app-v0.3.0', public: ['common-lib (common-lib-v1.0.0)'] } }),
    ]);
    expect(report.resume).toMatch(/^Partly published\. Public: common-lib \(common-lib-v1\.0\.0\)\. Still drafts: web-app-v0\.3\.0\. Re-run the job to finish/);
    expect(await releases()).toEqual([
      ['common-lib-v1.0.0', false],
      ['web-app-v0.3.0', true],
    ]);
    const summary = await readFile(env.GITHUB_STEP_SUMMARY, 'utf8');
    expect(summary).toContain('## Charts partly released: re-run to finish');
    expect(summary).toContain('| web-app | 0.3.0 | drafted |');
    const outputs = await readFile(env.GITHUB_OUTPUT, 'utf8');
    expect(outputs).toMatch(/released<<\S+\n\[\{"name":"common-lib"/);
    expect(outputs).toMatch(/unpublished<<\S+\n\["web-app-v0\.3\.0"\]/);

    const rerun = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(rerun.exitCode, rerun.all).toBe(0);
    expect(await releases()).toEqual([
      ['common-lib-v1.0.0', false],
      ['web-app-v0.3.0', false],
    ]);
  });
});
