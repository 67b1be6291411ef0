import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  chartFiles,
  freePort,
  startChartRepository,
  startReleaseSandbox,
  type GitRepo,
  type ReleaseSandbox,
  type RunningChartRepository,
  writeChart,
} from '@chart-release/testkit';
import { chartRelease } from './run-cli.ts';

type Report = {
  ok: boolean;
  charts: { name: string; version: string; digest?: string }[];
  errors: { code: string; chart?: string; message: string; hint?: string; details?: { dependency?: string } }[];
  resume?: string;
};

/** A chart of generated files whose Chart.yaml lists `dependencies` (aliases and conditions as given). */
async function writeChartWith(repo: GitRepo, name: string, version: string, dependencies: Record<string, unknown>[]): Promise<void> {
  for (const [path, content] of Object.entries(chartFiles({ name, version, docs: true }))) await repo.write(`charts/${name}/${path}`, content);
  await repo.write(`charts/${name}/Chart.yaml`, stringify({ apiVersion: 'v2', name, version, appVersion: '1.0.0', dependencies }));
}

// helm package writes each subchart as a folder of the archive
async function subchartVersion(tgz: string, path: string): Promise<string | undefined> {
  const text = (await execa('tar', ['xzf', tgz, '-O', `${path}/Chart.yaml`], { reject: false })).stdout;
  return /^version:\s*(\S+)/m.exec(text)?.[1];
}

describe('charts whose dependencies come from chart repositories, a registry and a sibling of the same push', () => {
  let sandbox: ReleaseSandbox;
  let charts: RunningChartRepository;
  let locked: RunningChartRepository;
  let pulled: string;
  // writes to GitHub other than the run lease (taken and given back around every run)
  const nonGetWrites = () => sandbox.github.requests.filter((r) => r.method !== 'GET' && !JSON.stringify(r).includes('lease')).length;

  beforeAll(async () => {
    sandbox = await startReleaseSandbox({ charts: ['common-lib'], signing: 'none' });
    [charts, locked, pulled] = await Promise.all([
      startChartRepository({
        helm: sandbox.helm,
        charts: [
          { name: 'redis', version: '17.0.1' },
          { name: 'redis', version: '17.0.2' },
        ],
      }),
      startChartRepository({ helm: sandbox.helm, charts: [{ name: 'vault', version: '0.2.0' }], auth: { username: 'ci', password: 'vault-repo-pass' } }),
      mkdtemp(join(sandbox.repo.dir, '..', 'pulled-')),
    ]);
    // a chart in another namespace of the registry, for an oci:// dependency
    const base = join(pulled, 'base');
    await writeChart(base, { name: 'base', version: '0.1.0' });
    await sandbox.helm.run(['package', base, '--destination', pulled]);
    await sandbox.helm.run(['push', join(pulled, 'base-0.1.0.tgz'), `oci://${sandbox.registryHost}/deps`, '--plain-http']);
  });
  afterAll(async () => {
    await Promise.all([charts?.stop(), locked?.stop()]);
    await rm(pulled, { recursive: true, force: true });
    await sandbox?.stop();
  });

  it('publishes them with the default configuration: each fetched once, the sibling packaged first, the checkout untouched', async () => {
    await sandbox.push('Add charts with dependencies', async (repo) => {
      // db 2.0.0 is new in this push: app's dependency on it is db's own new package, not a fetch
      await writeChartWith(repo, 'db', '2.0.0', []);
      await writeChartWith(repo, 'app', '1.0.0', [
        { name: 'db', version: '^2.0.0', repository: sandbox.registryUrl },
        { name: 'redis', version: '17.0.x', repository: charts.url, alias: 'cache', condition: 'cache.enabled' },
      ]);
      await writeChartWith(repo, 'web', '1.0.0', [
        { name: 'redis', version: '17.0.x', repository: charts.url },
        { name: 'base', version: '0.1.0', repository: `oci://${sandbox.registryHost}/deps` },
        { name: 'vault', version: '0.2.0', repository: locked.url },
      ]);
      const config = await repo.read('.chart-release.yaml');
      await repo.write(
        '.chart-release.yaml',
        `${config}${stringify({ dependencies: { repositories: [{ url: locked.url, username: 'ci', passwordEnv: 'CHART_RELEASE_TEST_VAULT_PASSWORD' }] } })}`,
      );
    });
    const run = await chartRelease(['publish', '--json'], {
      cwd: sandbox.repo.dir,
      env: { ...sandbox.env, CHART_RELEASE_TEST_VAULT_PASSWORD: 'vault-repo-pass' },
    });
    expect(run.exitCode, run.all).toBe(0);
    const report = JSON.parse(run.stdout) as Report;
    expect(report.charts.map((c) => c.name)).toEqual(expect.arrayContaining(['app', 'db', 'web']));
    expect(run.all).not.toContain('vault-repo-pass');

    // app and web both ask for redis 17.0.x: one download in the run
    expect(charts.downloads('redis', '17.0.2')).toBe(1);
    expect(charts.downloads('redis', '17.0.1')).toBe(0);
    // packaging wrote nothing into the checkout, nor into the job's helm configuration
    expect(await sandbox.repo.git('status', '--porcelain', '--untracked-files=all', '--', 'charts')).toBe('');
    const userRepos = sandbox.env.HELM_REPOSITORY_CONFIG!;
    expect(existsSync(userRepos) ? await readFile(userRepos, 'utf8') : '').not.toContain(charts.url);
    // the run's own helm configuration (it held the private repository's password) is gone after packaging
    expect(existsSync(join(sandbox.repo.dir, '.chart-release', 'dependencies', 'helm'))).toBe(false);

    // an independent helm pulls each chart from the registry and finds its dependencies inside
    const pull = async (name: string) => {
      await sandbox.helm.run(['pull', `${sandbox.registryUrl}/${name}`, '--version', '1.0.0', '--plain-http', '--destination', pulled]);
      return join(pulled, `${name}-1.0.0.tgz`);
    };
    const app = await pull('app');
    // db 2.0.0 was in no registry while the run packaged: app holds the package db got in this run
    expect(await subchartVersion(app, 'app/charts/db')).toBe('2.0.0');
    expect(await subchartVersion(app, 'app/charts/redis')).toBe('17.0.2');
    expect((await sandbox.helm.run(['show', 'chart', app])).stdout).toContain('alias: cache');
    const web = await pull('web');
    expect(await subchartVersion(web, 'web/charts/redis')).toBe('17.0.2');
    expect(await subchartVersion(web, 'web/charts/base')).toBe('0.1.0');
    expect(await subchartVersion(web, 'web/charts/vault')).toBe('0.2.0');
    // db went out in the same run, in the registry at the version app holds
    await sandbox.helm.run(['pull', `${sandbox.registryUrl}/db`, '--version', '2.0.0', '--plain-http', '--destination', pulled]);
  });

  it('reports every dependency that cannot be fetched, of every chart, in one run before any write', async () => {
    const unreachable = `http://127.0.0.1:${await freePort()}`;
    await sandbox.push('Add charts with broken dependencies', async (repo) => {
      await writeChartWith(repo, 'broken', '0.1.0', [
        { name: 'redis', version: '9.9.9', repository: charts.url },
        { name: 'gone', version: '1.0.0', repository: unreachable },
        { name: 'missing', version: '1.0.0', repository: `oci://${sandbox.registryHost}/deps` },
        { name: 'named', version: '1.0.0', repository: '@bitnami' },
      ]);
      await writeChartWith(repo, 'private', '0.1.0', [{ name: 'vault', version: '0.2.0', repository: locked.url }]);
    });
    const before = nonGetWrites();
    // without the password the private repository refuses
    const run = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(run.exitCode, run.all).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    const dependencyErrors = report.errors.filter((e) => e.code.startsWith('DEPENDENCY_')).map((e) => [e.chart, e.code, e.details?.dependency]);
    expect(dependencyErrors).toEqual(
      expect.arrayContaining([
        ['broken', 'DEPENDENCY_NOT_FOUND', 'redis'],
        ['broken', 'DEPENDENCY_UNREACHABLE', 'gone'],
        ['broken', 'DEPENDENCY_NOT_FOUND', 'missing'],
        ['broken', 'DEPENDENCY_UNSUPPORTED', 'named'],
        ['private', 'DEPENDENCY_UNAUTHORIZED', 'vault'],
      ]),
    );
    expect(dependencyErrors).toHaveLength(5);
    expect(report.errors.find((e) => e.code === 'DEPENDENCY_UNAUTHORIZED')).toMatchObject({
      message: expect.stringContaining(locked.url),
      hint: expect.stringContaining('dependencies.repositories'),
    });
    expect(report.errors.find((e) => e.code === 'DEPENDENCY_UNREACHABLE')?.message).toContain(unreachable);
    expect(report.resume).toMatch(/^Nothing was written/);
    expect(nonGetWrites()).toBe(before);
  });

  it('stops, without waiting forever, on two charts of one push that depend on each other', async () => {
    await sandbox.push('Add two charts that depend on each other', async (repo) => {
      await writeChartWith(repo, 'ping', '1.0.0', [{ name: 'pong', version: '1.0.0', repository: sandbox.registryUrl }]);
      await writeChartWith(repo, 'pong', '1.0.0', [{ name: 'ping', version: '1.0.0', repository: sandbox.registryUrl }]);
    });
    const run = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(run.exitCode, run.all).toBe(1);
    const report = JSON.parse(run.stdout) as Report;
    // one of the two waits for the other's package; the other looks in the registry, where 1.0.0 is not yet
    expect(report.errors.some((e) => e.code === 'DEPENDENCY_NOT_FOUND' && ['ping', 'pong'].includes(e.chart ?? ''))).toBe(true);
  });
});
