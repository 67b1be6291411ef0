import { randomBytes } from 'node:crypto';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Octokit } from '@octokit/rest';
import { RegistryClient } from '@chart-release/oci';
import { exampleChartsDir, startReleaseSandbox, type ReleaseSandbox } from '@chart-release/testkit';
import { chartRelease } from './run-cli.ts';

type Report = {
  ok: boolean;
  errors: { code: string; chart?: string; file?: string; message: string; details?: Record<string, unknown> }[];
  warnings: string[];
};

describe('publish preflight on a repository with odd charts', () => {
  let sandbox: ReleaseSandbox;

  beforeAll(async () => {
    sandbox = await startReleaseSandbox({ charts: ['web-app'], signing: 'none' });
    await appendFile(join(sandbox.repo.dir, '.chart-release.yaml'), 'maxPackageSize: 64KiB\n');
    // a second folder whose chart is also named web-app, and a chart named unlike its folder with 256 KiB of noise
    await sandbox.push('Add frontend and bundle charts', async (repo) => {
      await repo.copyIn(join(exampleChartsDir(), 'web-app'), 'charts/frontend');
      await repo.copyIn(join(exampleChartsDir(), 'web-app'), 'charts/bundle');
      await repo.write('charts/bundle/Chart.yaml', (await repo.read('charts/bundle/Chart.yaml')).replace(/^name:.*$/m, 'name: huge-bundle'));
      await writeFile(join(repo.dir, 'charts/bundle/files.bin'), randomBytes(256 * 1024));
    });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('reports same-name charts with both folders and an oversized package together, and writes nothing', async () => {
    const run = await chartRelease(['publish', '--base', sandbox.base, '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(run.exitCode, run.all).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([
      expect.objectContaining({ code: 'DUPLICATE_CHART_NAME', chart: 'web-app', details: { folders: ['charts/frontend', 'charts/web-app'] } }),
      expect.objectContaining({
        code: 'PACKAGE_TOO_LARGE',
        chart: 'huge-bundle',
        file: 'charts/bundle',
        message: expect.stringMatching(/is 25\d\.\d KiB, over the limit of 64\.0 KiB/),
      }),
    ]);
    expect(report.warnings).toEqual(
      expect.arrayContaining([
        expect.stringContaining("the chart in charts/bundle is named 'huge-bundle'"),
        expect.stringContaining("the chart in charts/frontend is named 'web-app'"),
      ]),
    );

    const octokit = new Octokit({ baseUrl: sandbox.github.url, auth: sandbox.github.token });
    expect((await octokit.rest.repos.listReleases({ owner: sandbox.owner, repo: sandbox.name })).data).toEqual([]);
    const registry = new RegistryClient({ registry: sandbox.registryHost, plainHttp: true });
    for (const name of ['web-app', 'huge-bundle']) expect(await registry.listTags(`acme/charts/${name}`).catch(() => [])).toEqual([]);
  });

  it('refuses a changed chart whose name an unchanged folder of the repository uses too', async () => {
    // only the last push's range: charts/frontend is planned, charts/web-app is not
    const run = await chartRelease(['plan', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(run.exitCode, run.all).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.errors.filter((e) => e.code === 'DUPLICATE_CHART_NAME')).toEqual([
      expect.objectContaining({ chart: 'web-app', details: { folders: ['charts/frontend', 'charts/web-app'] } }),
    ]);
  });
});
