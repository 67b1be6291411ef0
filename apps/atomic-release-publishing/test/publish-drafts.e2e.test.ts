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

  it('says which charts are public, with a code of its own, and a re-run finishes the job', async () => {
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
    // the drafts go public one after the other; exactly one made it before GitHub started refusing
    const statuses = Object.fromEntries(report.charts.map((c: { name: string; status: string }) => [c.name, c.status]));
    expect(Object.values(statuses).sort()).toEqual(['drafted', 'published']);
    const [pub, draft] = statuses['common-lib'] === 'published' ? ['common-lib', 'web-app'] : ['web-app', 'common-lib'];
    const tags: Record<string, string> = { 'common-lib': 'common-lib-v1.0.0', 'web-app': 'web-app-v0.3.0' };
    const versions: Record<string, string> = { 'common-lib': '1.0.0', 'web-app': '0.3.0' };
    expect(report.errors).toEqual([
      expect.objectContaining({ code: 'PUBLISH_INCOMPLETE', chart: draft, details: { tag: tags[draft], public: [`${pub} (${tags[pub]})`] } }),
    ]);
    expect(report.resume).toContain(`Partly published. Public: ${pub} (${tags[pub]}). Still drafts: ${tags[draft]}. Re-run the job to finish`);
    expect(await releases()).toEqual([
      ['common-lib-v1.0.0', pub !== 'common-lib'],
      ['web-app-v0.3.0', pub !== 'web-app'],
    ]);
    const summary = await readFile(env.GITHUB_STEP_SUMMARY, 'utf8');
    expect(summary).toContain('## Charts partly released: re-run to finish');
    expect(summary).toContain(`| ${draft} | ${versions[draft]} | drafted`);
    const outputs = await readFile(env.GITHUB_OUTPUT, 'utf8');
    expect(outputs).toMatch(new RegExp(`released<<\\S+\\n\\[\\{"name":"${pub}"`));
    expect(outputs).toContain(`unpublished<<`);
    expect(outputs).toContain(`["${tags[draft]}"]`);

    const rerun = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(rerun.exitCode, rerun.all).toBe(0);
    expect(await releases()).toEqual([
      ['common-lib-v1.0.0', false],
      ['web-app-v0.3.0', false],
    ]);
  });
});
