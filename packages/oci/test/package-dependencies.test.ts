import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  freePort,
  isolatedHelm,
  startChartRepository,
  startRegistry,
  writeChart,
  type IsolatedHelm,
  type RunningChartRepository,
  type RunningRegistry,
} from '@chart-release/testkit';
import { ChartDependencyError, DependencyFetcher, packageChart, type DependencyRepository } from '../src/index.ts';

async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }))
    if (entry.isFile()) out.push(relative(dir, join(entry.parentPath, entry.name)));
  return out.sort();
}

async function archiveEntries(tgz: string): Promise<string[]> {
  return (await execa('tar', ['tzf', tgz])).stdout.split('\n').sort();
}

// helm package writes each subchart of charts/ as a folder of the archive
async function subchartVersion(tgz: string, path: string): Promise<string | undefined> {
  const text = (await execa('tar', ['xzf', tgz, '-O', `${path}/Chart.yaml`], { reject: false })).stdout;
  return /^version:\s*(\S+)/m.exec(text)?.[1];
}

describe.each([4, 3] as const)('packaging with helm v%i charts with dependencies from chart repositories, a registry and file://', (major) => {
  let helm: IsolatedHelm;
  let open: RunningChartRepository;
  let locked: RunningChartRepository;
  let registry: RunningRegistry;
  let dir: string;
  const chart = (name: string) => join(dir, 'charts', name);

  beforeAll(async () => {
    helm = await isolatedHelm(major);
    [open, locked, registry, dir] = await Promise.all([
      startChartRepository({
        helm,
        charts: [
          { name: 'redis', version: '17.0.1' },
          { name: 'redis', version: '17.0.4' },
        ],
      }),
      startChartRepository({ helm, charts: [{ name: 'vault', version: '0.2.0' }], auth: { username: 'ci', password: 'repo-pass' } }),
      startRegistry(),
      mkdtemp(join(tmpdir(), 'package-deps-')),
    ]);
    // base 0.1.0 in the registry, for oci:// dependencies
    await writeChart(join(dir, 'src', 'base'), { name: 'base', version: '0.1.0' });
    await helm.run(['package', join(dir, 'src', 'base'), '--destination', join(dir, 'src')]);
    await helm.run(['push', join(dir, 'src', 'base-0.1.0.tgz'), `oci://${registry.host}/deps`, '--plain-http']);

    await writeChart(chart('lib'), { name: 'lib', version: '1.1.0', type: 'library' });
    await writeChart(chart('web'), { name: 'web', version: '2.0.0' });
    await writeFile(
      join(chart('web'), 'Chart.yaml'),
      stringify({
        apiVersion: 'v2',
        name: 'web',
        version: '2.0.0',
        dependencies: [
          { name: 'redis', version: '17.0.x', repository: open.url, alias: 'cache', condition: 'cache.enabled' },
          { name: 'base', version: '0.1.0', repository: `oci://${registry.host}/deps` },
          { name: 'lib', version: '1.x.x', repository: 'file://../lib' },
        ],
      }),
    );
    // api locks redis to 17.0.1 though 17.0.x would resolve to 17.0.4
    await writeChart(chart('api'), { name: 'api', version: '1.0.0', dependencies: [{ name: 'redis', version: '17.0.x', repository: `${open.url}/` }] });
    await writeFile(
      join(chart('api'), 'Chart.lock'),
      `dependencies:\n- name: redis\n  repository: ${open.url}/\n  version: 17.0.1\ndigest: sha256:0000\ngenerated: "2026-01-01T00:00:00Z"\n`,
    );
  });
  afterAll(async () => {
    await Promise.all([open?.stop(), locked?.stop(), registry?.stop(), rm(dir, { recursive: true, force: true })]);
    await helm?.dispose();
  });

  const fetcher = (repositories: DependencyRepository[] = []) =>
    new DependencyFetcher({
      dir: join(dir, 'work', `deps-${Math.random().toString(36).slice(2, 8)}`),
      helm,
      repositories: [{ url: `oci://${registry.host}`, plainHttp: true }, ...repositories],
    });

  it('places every dependency into a copy, never writes the chart folders, and fetches a shared dependency once', async () => {
    const before = await files(join(dir, 'charts'));
    const dependencies = fetcher();
    const mtime = new Date('2026-03-01T00:00:00Z');
    const scratchDir = join(dir, 'work', 'scratch');
    const [web, api] = await Promise.all(
      ['web', 'api'].map((name) => packageChart({ chartDir: chart(name), destination: join(dir, 'out'), scratchDir, helm, dependencies, mtime })),
    );
    expect(await files(join(dir, 'charts'))).toEqual(before);
    expect(await readdir(scratchDir)).toEqual([]);

    expect(await subchartVersion(web!.tgz, 'web/charts/redis')).toBe('17.0.4');
    expect(await subchartVersion(web!.tgz, 'web/charts/base')).toBe('0.1.0');
    expect(await subchartVersion(web!.tgz, 'web/charts/lib')).toBe('1.1.0');
    expect(await archiveEntries(api!.tgz)).toContain('api/Chart.lock');
    expect(await subchartVersion(api!.tgz, 'api/charts/redis')).toBe('17.0.1');
    // the alias and condition stay as Chart.yaml states them, and helm renders the aliased subchart
    const shown = await helm.run(['show', 'chart', web!.tgz]);
    expect(shown.stdout).toContain('alias: cache');
    expect(shown.stdout).toContain('condition: cache.enabled');
    expect((await helm.run(['template', 'r', web!.tgz])).stdout).toContain('name: r-config');

    // a second chart asking for the same dependency gets the run's copy: one download each
    const again = await packageChart({ chartDir: chart('web'), destination: join(dir, 'out2'), scratchDir, helm, dependencies, mtime });
    expect(open.downloads('redis', '17.0.4')).toBe(1);
    expect(open.downloads('redis', '17.0.1')).toBe(1);
    expect(dependencies.pulls).toBe(3);
    // the same content on another day packages to the same bytes
    expect(again.sha256).toBe(web!.sha256);
    expect((await stat(again.tgz)).mtime.toISOString()).toBe(mtime.toISOString());
  });

  it('reports every dependency that cannot be fetched at once, each with its code, chart, repository and fix', async () => {
    const unreachable = `http://127.0.0.1:${await freePort()}`;
    await mkdir(chart('broken'), { recursive: true });
    await writeChart(chart('broken'), {
      name: 'broken',
      version: '0.1.0',
      dependencies: [
        { name: 'redis', version: '9.9.9', repository: open.url },
        { name: 'gone', version: '1.0.0', repository: unreachable },
        { name: 'vault', version: '0.2.0', repository: locked.url },
        { name: 'missing', version: '1.0.0', repository: `oci://${registry.host}/deps` },
      ],
    });
    const error = await packageChart({ chartDir: chart('broken'), destination: join(dir, 'out'), helm, dependencies: fetcher() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChartDependencyError);
    const problems = (error as ChartDependencyError).problems;
    expect(problems.map((p) => [p.code, p.details?.dependency])).toEqual([
      ['DEPENDENCY_NOT_FOUND', 'redis'],
      ['DEPENDENCY_UNREACHABLE', 'gone'],
      ['DEPENDENCY_UNAUTHORIZED', 'vault'],
      ['DEPENDENCY_NOT_FOUND', 'missing'],
    ]);
    for (const p of problems) {
      expect(p.chart).toBe('broken');
      expect(p.message).toContain(String(p.details?.repository));
    }
    expect(problems[2]!.hint).toContain('dependencies.repositories');
    await rm(chart('broken'), { recursive: true });

    // a Chart.lock that no longer matches Chart.yaml is refused, as helm dependency build refuses it
    await writeChart(chart('stale'), { name: 'stale', version: '0.1.0', dependencies: [{ name: 'redis', version: '17.0.x', repository: open.url }] });
    await writeFile(join(chart('stale'), 'Chart.lock'), `dependencies:\n- name: redis\n  repository: ${open.url}\n  version: 16.0.0\n`);
    const stale = await packageChart({ chartDir: chart('stale'), destination: join(dir, 'out'), helm, dependencies: fetcher() }).catch((e: unknown) => e);
    expect((stale as ChartDependencyError).problems.map((p) => [p.code, p.details?.dependency])).toEqual([['DEPENDENCY_LOCK_STALE', 'redis']]);
    expect((stale as ChartDependencyError).hint).toContain('helm dependency update');
    await rm(chart('stale'), { recursive: true });

    // a dependency without a repository that charts/ does not hold is named too, not left to helm's "run helm lint"
    await writeChart(chart('unvendored'), { name: 'unvendored', version: '0.1.0', dependencies: [{ name: 'sub', version: '1.0.0', repository: '' }] });
    const missing = await packageChart({ chartDir: chart('unvendored'), destination: join(dir, 'out'), helm }).catch((e: unknown) => e);
    expect((missing as ChartDependencyError).problems.map((p) => [p.code, p.details?.dependency])).toEqual([['DEPENDENCY_NOT_FOUND', 'sub']]);
    expect((missing as ChartDependencyError).hint).toContain('charts/');
    await rm(chart('unvendored'), { recursive: true });
  });

  it("fetches from a private chart repository with the run's credentials, kept out of helm's arguments", async () => {
    await writeChart(chart('private'), { name: 'private', version: '0.1.0', dependencies: [{ name: 'vault', version: '0.2.0', repository: locked.url }] });
    const dependencies = fetcher([{ url: locked.url, username: 'ci', password: 'repo-pass' }]);
    const pkg = await packageChart({ chartDir: chart('private'), destination: join(dir, 'out'), helm, dependencies });
    expect(await subchartVersion(pkg.tgz, 'private/charts/vault')).toBe('0.2.0');
    expect(dependencies.env.HELM_REPOSITORY_CONFIG).toContain(join(dir, 'work'));
    // helm keeps the password in its repositories file: dispose removes it
    expect(await readFile(dependencies.env.HELM_REPOSITORY_CONFIG!, 'utf8')).toContain(locked.url);
    await dependencies.dispose();
    expect(existsSync(dependencies.env.HELM_REPOSITORY_CONFIG!)).toBe(false);
    await rm(chart('private'), { recursive: true });
  });
});
