import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Octokit } from '@octokit/rest';
import { freePort, startReleaseSandbox, type ReleaseSandbox } from '@chart-release/testkit';
import { chartRelease } from './run-cli.ts';

type Report = { ok: boolean; errors: { code: string; chart?: string; file?: string; message: string }[]; resume?: string };

// every stage's preflight runs in one round: a problem in one stage hides none in another
describe('publish preflight in one round', () => {
  let sandbox: ReleaseSandbox;

  beforeAll(async () => {
    sandbox = await startReleaseSandbox({ charts: ['web-app'], signing: 'none' });
    // a template helm cannot render: lint fails on the package
    await sandbox.push('Break a template', async (repo) => {
      await repo.write('charts/web-app/templates/broken.yaml', 'kind: ConfigMap\nname: {{ .Values.name | noSuchFunction }}\n');
      await repo.write('charts/web-app/Chart.yaml', (await repo.read('charts/web-app/Chart.yaml')).replace(/^version:.*$/m, 'version: 0.4.0'));
    });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('reports a wrong token, an unreachable registry and a broken chart together, and writes nothing', async () => {
    const unreachable = `oci://127.0.0.1:${await freePort()}/acme/charts`;
    const run = await chartRelease(['publish', '--base', sandbox.base, '--registry', unreachable, '--plain-http', '--json'], {
      cwd: sandbox.repo.dir,
      env: { ...sandbox.env, GITHUB_TOKEN: 'ghp_wrongwrongwrongwrongwrongwrongwrong0' },
    });
    expect(run.exitCode, run.all).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.ok).toBe(false);
    const codes = new Set(report.errors.map((e) => e.code));
    // the token is rejected by every stage that asks GitHub: one problem
    expect(report.errors.filter((e) => e.code === 'GITHUB_AUTH_FAILED')).toHaveLength(1);
    expect(codes).toContain('CHART_LINT_FAILED');
    expect(report.errors.find((e) => e.code === 'CHART_LINT_FAILED')).toMatchObject({ chart: 'web-app', message: expect.stringContaining('noSuchFunction') });
    expect(
      report.errors.some((e) => e.code.startsWith('REGISTRY_') && e.message.includes(unreachable.slice('oci://'.length, unreachable.indexOf('/acme')))),
    ).toBe(true);
    expect(report.resume).toMatch(/^Nothing was written/);
    expect(run.all).not.toContain('ghp_wrongwrongwrongwrongwrongwrongwrong0');

    // nothing written: no release, and no write request reached GitHub
    const octokit = new Octokit({ baseUrl: sandbox.github.url, auth: sandbox.github.token });
    expect((await octokit.rest.repos.listReleases({ owner: sandbox.owner, repo: sandbox.name })).data).toEqual([]);
    expect(sandbox.github.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });
});
