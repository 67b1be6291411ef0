import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { memoryLogger } from '@chart-release/core';
import { GitRepo } from '@chart-release/testkit';
import { detectChangedCharts, type ChangedChartsResult } from '@chart-release/changed-charts';
import { addChart, pushEvent, setVersion, threeChartRepo } from './fixtures.ts';

const repos: GitRepo[] = [];
afterEach(async () => {
  await Promise.all(repos.splice(0).map((r) => r.dispose()));
});
async function setup() {
  const fixture = await threeChartRepo();
  repos.push(fixture.repo);
  return fixture;
}
const byName = (result: ChangedChartsResult) => Object.fromEntries(result.charts.map((c) => [c.name, c]));

describe('detectChangedCharts on a real repository', () => {
  it('reports added, modified and deleted charts with their files, versions and the range', async () => {
    const { repo, first } = await setup();
    await addChart(repo, 'charts/new', { name: 'new', version: '0.1.0' });
    await repo.write('charts/web/values.yaml', 'replicaCount: 3\n');
    await setVersion(repo, 'charts/web', '1.1.0');
    await repo.remove('charts/api');
    const head = await repo.commit('add new, change web, delete api');

    const result = await detectChangedCharts({ cwd: repo.dir, base: first, head, env: {} });
    expect(result).toMatchObject({ base: first, head, baseSource: 'flag', errors: [] });
    expect(result.charts.map((c) => [c.name, c.path, c.status, c.release])).toEqual([
      ['api', 'charts/api', 'deleted', false],
      ['new', 'charts/new', 'added', true],
      ['web', 'charts/web', 'modified', true],
    ]);
    const charts = byName(result);
    expect(charts.new).toMatchObject({ status: 'added', version: '0.1.0', release: true, type: 'application' });
    expect(charts.new!.previousVersion).toBeUndefined();
    expect(charts.web).toMatchObject({ status: 'modified', version: '1.1.0', previousVersion: '1.0.0', release: true });
    expect(charts.web!.changedFiles).toEqual(['charts/web/Chart.yaml', 'charts/web/values.yaml']);
    expect(charts.api).toMatchObject({ status: 'deleted', version: '2.0.0', release: false });
    expect(charts.api!.changedFiles).toContain('charts/api/Chart.yaml');
    expect(charts.lib).toBeUndefined();
  });

  it('reports a file:// dependency on a chart folder the push deletes or moves', async () => {
    const { repo, first } = await setup();
    await repo.remove('charts/lib');
    const deleted = await repo.commit('delete lib');
    let result = await detectChangedCharts({ cwd: repo.dir, base: first, head: deleted, env: {} });
    expect(result.errors).toEqual([
      expect.objectContaining({
        code: 'DEPENDENCY_FOLDER_GONE',
        chart: 'api',
        file: 'charts/api/Chart.yaml',
        message: expect.stringContaining('removes charts/lib'),
      }),
    ]);

    await repo.git('reset', '-q', '--hard', first);
    await repo.git('mv', 'charts/lib', 'charts/common');
    const moved = await repo.commit('move lib');
    result = await detectChangedCharts({ cwd: repo.dir, base: first, head: moved, env: {} });
    expect(result.errors.map((e) => e.code)).toEqual(['DEPENDENCY_FOLDER_GONE']);
  });

  it('follows a renamed chart folder; a pure move is not released again', async () => {
    const { repo, first } = await setup();
    await repo.git('mv', 'charts/web', 'charts/website');
    const moved = await repo.commit('move web');
    let result = await detectChangedCharts({ cwd: repo.dir, base: first, head: moved, env: {} });
    expect(result.charts).toEqual([
      expect.objectContaining({ name: 'web', path: 'charts/website', previousPath: 'charts/web', status: 'renamed', release: false, previousVersion: '1.0.0' }),
    ]);
    expect(result.errors).toEqual([]);

    await repo.write('charts/website/values.yaml', 'replicaCount: 5\n');
    await setVersion(repo, 'charts/website', '1.0.1');
    const changed = await repo.commit('change website');
    result = await detectChangedCharts({ cwd: repo.dir, base: first, head: changed, env: {} });
    expect(result.charts).toEqual([
      expect.objectContaining({
        name: 'web',
        path: 'charts/website',
        previousPath: 'charts/web',
        status: 'renamed',
        release: true,
        version: '1.0.1',
        previousVersion: '1.0.0',
      }),
    ]);
    expect(result.charts[0]!.changedFiles).toContain('charts/website/values.yaml');
  });

  it('pairs a deleted and an added folder holding the same chart name as a rename, even when git sees no rename', async () => {
    const { repo, first } = await setup();
    await repo.remove('charts/web');
    await addChart(repo, 'apps/web-frontend', { name: 'web', version: '2.0.0', description: 'rewritten from scratch', values: { a: 1, b: 2, c: 3 } });
    const head = await repo.commit('rewrite web');
    const result = await detectChangedCharts({ cwd: repo.dir, base: first, head, chartDirs: ['charts', 'apps'], env: {} });
    expect(result.charts).toEqual([
      expect.objectContaining({
        name: 'web',
        status: 'renamed',
        path: 'apps/web-frontend',
        previousPath: 'charts/web',
        version: '2.0.0',
        previousVersion: '1.0.0',
        release: true,
      }),
    ]);
  });

  it('does not count files matching the ignore globs', async () => {
    const { repo, first } = await setup();
    await repo.write('charts/web/README.md', '# web, better documented\n');
    await repo.write('charts/web/CHANGELOG.md', '# Changelog\n\nnothing yet\n');
    await repo.write('charts/lib/templates/_helpers.tpl', '{{- define "lib.x" -}}x{{- end -}}\n');
    await setVersion(repo, 'charts/lib', '1.0.1');
    await setVersion(repo, 'charts/api', '2.0.1');
    const head = await repo.commit('docs only for web');

    const ignoring = await detectChangedCharts({ cwd: repo.dir, base: first, head, ignore: ['**/*.md'], env: {} });
    expect(ignoring.charts.map((c) => c.name)).toEqual(['api', 'lib']);
    const counting = await detectChangedCharts({ cwd: repo.dir, base: first, head, env: {} });
    expect(counting.charts.map((c) => c.name)).toEqual(['api', 'lib', 'web']);
    expect(byName(counting).web!.changedFiles).toEqual(['charts/web/CHANGELOG.md', 'charts/web/README.md']);
  });

  it('sees the changes a merge commit brings in from a feature branch', async () => {
    const { repo, first } = await setup();
    await repo.checkout('feature', { create: true });
    await repo.write('charts/web/templates/extra.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n');
    await setVersion(repo, 'charts/web', '1.1.0');
    await repo.commit('feature: extra config map');
    await repo.checkout('main');
    await addChart(repo, 'charts/side', { name: 'side', version: '0.1.0' });
    const before = await repo.commit('side chart on main');
    const merge = await repo.merge('feature');

    const result = await detectChangedCharts({ cwd: repo.dir, env: { GITHUB_EVENT_PATH: await pushEvent(before, merge) } });
    expect(result).toMatchObject({ base: before, head: merge, baseSource: 'event' });
    expect(result.charts.map((c) => [c.name, c.status])).toEqual([['web', 'modified']]);
    expect(result.charts[0]!.changedFiles).toEqual(['charts/web/Chart.yaml', 'charts/web/templates/extra.yaml']);
    // the whole history since the first commit includes both sides of the merge
    const all = await detectChangedCharts({ cwd: repo.dir, base: first, head: merge, env: {} });
    expect(all.charts.map((c) => c.name)).toEqual(['side', 'web']);
  });

  it('finds charts nested two levels deep and in several chart folders, and counts a vendored subchart as its parent', async () => {
    const repo = await GitRepo.create();
    repos.push(repo);
    await addChart(repo, 'charts/team-a/app', { name: 'team-a-app', version: '1.0.0' });
    await addChart(repo, 'stable/db', { name: 'db', version: '3.0.0' });
    await addChart(repo, 'stable/db/charts/metrics', { name: 'metrics', version: '0.1.0' });
    await repo.write('charts/team-a/README.md', 'team folder, not a chart\n');
    const first = await repo.commit('charts');
    await repo.write('charts/team-a/app/values.yaml', 'replicaCount: 2\n');
    await setVersion(repo, 'charts/team-a/app', '1.0.1');
    await repo.write('stable/db/charts/metrics/values.yaml', 'replicaCount: 9\n');
    await setVersion(repo, 'stable/db', '3.0.1');
    await repo.write('charts/team-a/README.md', 'still not a chart\n');
    const head = await repo.commit('change nested and vendored');

    const result = await detectChangedCharts({ cwd: repo.dir, base: first, head, chartDirs: ['charts', './stable/'], env: {} });
    expect(result.errors).toEqual([]);
    expect(result.charts.map((c) => [c.name, c.path, c.status])).toEqual([
      ['team-a-app', 'charts/team-a/app', 'modified'],
      ['db', 'stable/db', 'modified'],
    ]);
    expect(byName(result).db!.changedFiles).toEqual(['stable/db/Chart.yaml', 'stable/db/charts/metrics/values.yaml']);
    // only the configured folders count
    const onlyCharts = await detectChangedCharts({ cwd: repo.dir, base: first, head, env: {} });
    expect(onlyCharts.charts.map((c) => c.name)).toEqual(['team-a-app']);
  });

  it('releases the charts whose package changes with a changed chart (file://, transitively) and notes those depending by name', async () => {
    const { repo } = await setup();
    await addChart(repo, 'charts/umbrella', {
      name: 'umbrella',
      version: '0.5.0',
      dependencies: [{ name: 'api', version: '>=2.0.0', repository: 'file://../api' }],
    });
    await addChart(repo, 'charts/portal', {
      name: 'portal',
      version: '0.2.0',
      dependencies: [{ name: 'lib', version: '1.0.*', repository: 'oci://ghcr.io/acme/charts' }],
    });
    await addChart(repo, 'charts/unrelated', {
      name: 'unrelated',
      version: '1.0.0',
      dependencies: [{ name: 'redis', version: '1.0.0', repository: 'oci://registry-1.docker.io/bitnamicharts' }],
    });
    const base = await repo.commit('umbrella');
    await repo.write('charts/lib/templates/_helpers.tpl', '{{- define "lib.labels" -}}changed: "yes"{{- end -}}\n');
    await setVersion(repo, 'charts/lib', '1.1.0');
    await setVersion(repo, 'charts/api', '2.0.1');
    const head = await repo.commit('lib changes');

    const result = await detectChangedCharts({ cwd: repo.dir, base, head, env: {} });
    const charts = byName(result);
    expect(Object.keys(charts)).toEqual(['api', 'lib', 'umbrella']);
    expect(charts.lib).toMatchObject({ triggeredBy: [], type: 'library', release: true });
    expect(charts.api).toMatchObject({
      triggeredBy: ['lib'],
      changedFiles: ['charts/api/Chart.yaml'],
      status: 'modified',
      previousVersion: '2.0.0',
      version: '2.0.1',
      release: true,
    });
    // umbrella's version was not bumped: it must be, since its packaged content changes with api
    expect(charts.umbrella).toMatchObject({ triggeredBy: ['api'], changedFiles: [], previousVersion: '0.5.0', version: '0.5.0' });
    expect(result.errors).toEqual([expect.objectContaining({ code: 'VERSION_NOT_BUMPED', chart: 'umbrella', file: 'charts/umbrella/Chart.yaml' })]);
    // portal takes lib from the registry: its package does not change, it is not released
    expect(result.notes).toEqual([
      {
        chart: 'portal',
        path: 'charts/portal',
        dependency: 'lib',
        constraint: '1.0.*',
        repository: 'oci://ghcr.io/acme/charts',
        released: '1.1.0',
        message: 'portal depends on lib 1.0.*; lib 1.1.0 is released in this push',
      },
    ]);
  });

  it('releases a sibling with by-name dependents alone: the dependents are noted, none is an error', async () => {
    const { repo } = await setup();
    // as large chart repositories do: a common library every chart takes from the repository's own chart repository
    await repo.write(
      'charts/web/Chart.yaml',
      (await repo.read('charts/web/Chart.yaml')) + 'dependencies:\n  - name: lib\n    version: 1.0.*\n    repository: https://acme.github.io/charts\n',
    );
    await addChart(repo, 'charts/worker', {
      name: 'worker',
      version: '0.3.0',
      dependencies: [{ name: 'lib', version: '1.0.*', repository: 'oci://ghcr.io/acme/charts' }],
    });
    await addChart(repo, 'charts/theirs', {
      name: 'theirs',
      version: '0.1.0',
      dependencies: [{ name: 'lib', version: '9.x', repository: 'oci://registry.example/other/charts' }],
    });
    await repo.write('charts/api/Chart.yaml', (await repo.read('charts/api/Chart.yaml')).replace('file://../lib', 'oci://ghcr.io/acme/charts'));
    const base = await repo.commit('charts take lib from the chart repository');
    await repo.write('charts/lib/templates/_helpers.tpl', '{{- define "lib.labels" -}}v: "1.1"{{- end -}}\n');
    await setVersion(repo, 'charts/lib', '1.1.0');
    const head = await repo.commit('lib 1.1.0');

    const result = await detectChangedCharts({ cwd: repo.dir, base, head, registry: 'oci://ghcr.io/acme/charts', env: {} });
    expect(result.errors).toEqual([]);
    expect(result.charts.map((c) => [c.name, c.release, c.triggeredBy])).toEqual([['lib', true, []]]);
    expect(result.notes.map((n) => n.message)).toEqual([
      expect.stringMatching(/^api depends on lib \S+; lib 1\.1\.0 is released in this push$/),
      'web depends on lib 1.0.*; lib 1.1.0 is released in this push',
      'worker depends on lib 1.0.*; lib 1.1.0 is released in this push',
    ]);
    // without the registry, any dependency by name on lib is noted
    const any = await detectChangedCharts({ cwd: repo.dir, base, head, env: {} });
    expect(any.notes.map((n) => n.chart)).toEqual(['api', 'theirs', 'web', 'worker']);
  });

  it('finds a dependent whose dependency list is written at column 0, in a nested chart folder', async () => {
    const { repo } = await setup();
    await repo.write(
      'charts/team/portal/Chart.yaml',
      'apiVersion: v2\nname: portal\nversion: 0.1.0\ndependencies:\n- name: lib\n  version: 1.x.x\n  repository: "file://../../lib"\n',
    );
    const base = await repo.commit('portal');
    await repo.write('charts/lib/templates/_helpers.tpl', '{{- define "lib.z" -}}z{{- end -}}\n');
    await setVersion(repo, 'charts/lib', '1.0.1');
    const head = await repo.commit('lib 1.0.1');
    const result = await detectChangedCharts({ cwd: repo.dir, base, head, env: {} });
    expect(byName(result).portal).toMatchObject({ path: 'charts/team/portal', triggeredBy: ['lib'], changedFiles: [] });
    expect(byName(result).api).toMatchObject({ triggeredBy: ['lib'] });
  });

  it('finds a dependent whose dependencies are written in YAML flow style', async () => {
    const { repo } = await setup();
    await repo.write(
      'charts/edge/Chart.yaml',
      'apiVersion: v2\nname: edge\nversion: 0.1.0\ndependencies: [{name: web, version: "1.x", repository: "file://../web"}]\n',
    );
    const base = await repo.commit('edge');
    await repo.write('charts/web/values.yaml', 'replicaCount: 3\n');
    await setVersion(repo, 'charts/web', '1.0.1');
    const head = await repo.commit('web 1.0.1');
    const result = await detectChangedCharts({ cwd: repo.dir, base, head, env: {} });
    expect(byName(result).edge).toMatchObject({ triggeredBy: ['web'], changedFiles: [], previousVersion: '0.1.0' });
  });

  it("searches every Chart.yaml for dependents whatever the git config and attributes, and not those of a chart's vendored subcharts", async () => {
    const { repo } = await setup();
    // a dependent written with CRLF line ends, in a folder of its own below the chart dir
    await repo.write(
      'charts/team/edge/Chart.yaml',
      'apiVersion: v2\r\nname: edge\r\nversion: 0.1.0\r\ndependencies:\r\n  - name: web\r\n    version: 1.x\r\n    repository: file://../../web\r\n',
    );
    // a vendored subchart of a chart that depends on web: part of its parent's package, no chart of its own
    await addChart(repo, 'charts/bundle', { name: 'bundle', version: '1.0.0' });
    await addChart(repo, 'charts/bundle/charts/sub', {
      name: 'sub',
      version: '0.1.0',
      dependencies: [{ name: 'web', version: '1.x', repository: 'file://../../../web' }],
    });
    // a repository that marks its YAML binary (no diffs of generated files): the search still reads it as text
    await repo.write('.gitattributes', '*.yaml binary\n');
    const base = await repo.commit('edge and bundle');
    for (const [key, value] of [
      ['grep.lineNumber', 'true'],
      ['grep.column', 'true'],
      ['grep.patternType', 'perl'],
      ['grep.fullName', 'false'],
      ['color.grep', 'always'],
      ['submodule.recurse', 'true'],
    ])
      await repo.git('config', key, value);
    await repo.write('charts/web/values.yaml', 'replicaCount: 4\n');
    await setVersion(repo, 'charts/web', '1.0.1');
    const head = await repo.commit('web 1.0.1');
    const result = await detectChangedCharts({ cwd: `${repo.dir}/charts`, base, head, env: {}, cache: false });
    // edge is found (and has to be bumped, as a dependent); sub is not
    expect(result.errors.map((e) => [e.code, e.chart])).toEqual([['VERSION_NOT_BUMPED', 'edge']]);
    expect(result.charts.map((c) => [c.path, c.triggeredBy])).toEqual([
      ['charts/team/edge', ['web']],
      ['charts/web', []],
    ]);
  });

  it('takes a chart dir with glob characters in its name literally', async () => {
    const repo = await GitRepo.create();
    repos.push(repo);
    await addChart(repo, 'charts[1]/lib', { name: 'lib', version: '1.0.0', type: 'library' });
    await addChart(repo, 'charts[1]/app', { name: 'app', version: '1.0.0', dependencies: [{ name: 'lib', version: '1.x', repository: 'file://../lib' }] });
    await addChart(repo, 'charts1/other', {
      name: 'other',
      version: '1.0.0',
      dependencies: [{ name: 'lib', version: '1.x', repository: 'oci://ghcr.io/acme/charts' }],
    });
    const base = await repo.commit('charts');
    await setVersion(repo, 'charts[1]/lib', '1.0.1');
    await setVersion(repo, 'charts[1]/app', '1.0.1');
    const head = await repo.commit('lib 1.0.1');
    const result = await detectChangedCharts({ cwd: repo.dir, base, head, chartDirs: ['charts[1]'], env: {}, cache: false });
    expect(result.charts.map((c) => [c.path, c.triggeredBy])).toEqual([
      ['charts[1]/app', ['lib']],
      ['charts[1]/lib', []],
    ]);
    expect(result.notes.join('\n')).not.toContain('other');
  });

  it('keeps a dependency index in the git folder: a later run of the same chart dirs reads nothing, one of changed ones sees changed dependencies', async () => {
    const { repo, first } = await setup();
    const logger = memoryLogger();
    const debug = logger.lines;
    const indexLine = () => debug.find((l) => l.startsWith('debug: dependency index'))!.replace(/^debug: /, '');
    await repo.write('charts/lib/templates/_helpers.tpl', '{{- define "lib.y" -}}y{{- end -}}\n');
    await setVersion(repo, 'charts/lib', '1.0.1');
    await setVersion(repo, 'charts/api', '2.0.1');
    const second = await repo.commit('lib 1.0.1');

    const cold = await detectChangedCharts({ cwd: repo.dir, base: first, head: second, env: {}, logger });
    expect(indexLine()).toMatch(/^dependency index: 1 charts with dependencies read from git, 0 from .*chart-release\/chart-index\.json/);
    expect(await repo.git('status', '--porcelain')).toBe('');

    debug.length = 0;
    const warm = await detectChangedCharts({ cwd: repo.dir, base: first, head: second, env: {}, logger });
    expect(indexLine()).toMatch(/^dependency index: 0 charts with dependencies read from git, 1 from /);
    expect(warm).toEqual(cold);

    // web starts depending on lib: the changed chart dir is searched again, and the new dependent is found
    await repo.write(
      'charts/web/Chart.yaml',
      (await repo.read('charts/web/Chart.yaml')).replace('version: 1.0.0', 'version: 1.1.0') +
        'dependencies:\n  - name: lib\n    version: 1.x.x\n    repository: file://../lib\n',
    );
    await repo.write('charts/lib/values.yaml', 'x: 1\n');
    await setVersion(repo, 'charts/lib', '1.0.2');
    await setVersion(repo, 'charts/api', '2.0.2');
    const third = await repo.commit('web uses lib');
    debug.length = 0;
    const later = await detectChangedCharts({ cwd: repo.dir, base: second, head: third, env: {}, logger });
    expect(indexLine()).toMatch(/^dependency index: 2 charts with dependencies read from git, 0 from /);
    expect(byName(later).web).toMatchObject({ triggeredBy: ['lib'], version: '1.1.0' });
    expect(byName(later).api).toMatchObject({ triggeredBy: ['lib'] });
    const fresh = await detectChangedCharts({ cwd: repo.dir, base: second, head: third, env: {}, cache: false });
    expect(later).toEqual(fresh);
  });

  it('keeps the index right for nested chart dirs, whichever of them a later run is given', async () => {
    const { repo } = await setup();
    await addChart(repo, 'charts/team/a', { name: 'team-a', version: '1.0.0', type: 'library' });
    await addChart(repo, 'charts/team/b', { name: 'team-b', version: '1.0.0', dependencies: [{ name: 'team-a', version: '1.x', repository: 'file://../a' }] });
    const base = await repo.commit('team charts');
    await setVersion(repo, 'charts/team/a', '1.0.1');
    const head = await repo.commit('team-a 1.0.1');
    const both = await detectChangedCharts({ cwd: repo.dir, base, head, chartDirs: ['charts', 'charts/team'], env: {} });
    expect(byName(both)['team-b']).toMatchObject({ triggeredBy: ['team-a'] });
    // the second run takes everything from the index the first one wrote
    const team = await detectChangedCharts({ cwd: repo.dir, base, head, chartDirs: ['charts/team'], env: {} });
    expect(team.charts.map((c) => [c.name, c.triggeredBy])).toEqual([
      ['team-a', []],
      ['team-b', ['team-a']],
    ]);
    expect(team).toEqual(await detectChangedCharts({ cwd: repo.dir, base, head, chartDirs: ['charts/team'], cache: false, env: {} }));
  });

  it('ignores a damaged dependency index and rewrites it; cache: false neither reads nor writes it', async () => {
    const { repo, first } = await setup();
    await setVersion(repo, 'charts/lib', '1.0.1');
    await setVersion(repo, 'charts/api', '2.0.1');
    const head = await repo.commit('bump');
    const indexFile = join(repo.dir, '.git', 'chart-release', 'chart-index.json');
    await mkdir(dirname(indexFile), { recursive: true });
    await writeFile(indexFile, '{"format":"chart-release/chart-index@2","roots":{"charts":{"tree":');
    const expected = await detectChangedCharts({ cwd: repo.dir, base: first, head, env: {}, cache: false });
    expect(await readFile(indexFile, 'utf8')).toMatch(/"tree":$/);
    expect(await detectChangedCharts({ cwd: repo.dir, base: first, head, env: {} })).toEqual(expected);
    expect(JSON.parse(await readFile(indexFile, 'utf8'))).toMatchObject({
      format: 'chart-release/chart-index@2',
      roots: { charts: { dependencies: { 'charts/api': expect.stringContaining('file://../lib') } } },
    });
    // an index whose texts lie is still keyed by tree id: a tree it does not know is read from git
    await writeFile(indexFile, JSON.stringify({ format: 'chart-release/chart-index@2', roots: { charts: { tree: '0'.repeat(40), dependencies: {} } } }));
    expect(await detectChangedCharts({ cwd: repo.dir, base: first, head, env: {} })).toEqual(expected);
  });

  it('remembers the Chart.yaml files it parsed by blob id: a later run takes them from there, ignores a damaged file, and reports a broken one every time', async () => {
    const { repo, first } = await setup();
    await setVersion(repo, 'charts/lib', '1.0.1');
    await setVersion(repo, 'charts/api', '2.0.1');
    await repo.write('charts/web/Chart.yaml', 'apiVersion: v2\nname: web\nversion: [1.0.1\n');
    const head = await repo.commit('bump, and break web');
    const logger = memoryLogger();
    const readLine = () => logger.lines.find((l) => l.startsWith('debug: Chart.yaml files read'))!;
    const expected = await detectChangedCharts({ cwd: repo.dir, base: first, head, env: {}, cache: false });
    expect(expected.errors.map((e) => [e.code, e.file])).toContainEqual(['CHART_YAML_INVALID', 'charts/web/Chart.yaml']);

    // the first run in the clone writes the dependency index only; the next one keeps the Chart.yaml files too
    expect(await detectChangedCharts({ cwd: repo.dir, base: first, head, env: {}, logger })).toEqual(expected);
    expect(readLine()).toMatch(/, 0 of 6 from no cache file/);
    logger.lines.length = 0;
    expect(await detectChangedCharts({ cwd: repo.dir, base: first, head, env: {}, logger })).toEqual(expected);
    expect(readLine()).toMatch(/, 0 of 6 from .*chart-release\/chart-yamls\.json/);
    logger.lines.length = 0;
    // the broken head side of web is not kept: it is parsed, and reported, again
    expect(await detectChangedCharts({ cwd: repo.dir, base: first, head, env: {}, logger })).toEqual(expected);
    expect(readLine()).toMatch(/, 5 of 6 from /);

    const cacheFile = join(repo.dir, '.git', 'chart-release', 'chart-yamls.json');
    await writeFile(cacheFile, '{"format":"chart-release/chart-yamls@1","blobs":{"');
    logger.lines.length = 0;
    expect(await detectChangedCharts({ cwd: repo.dir, base: first, head, env: {}, logger })).toEqual(expected);
    expect(readLine()).toMatch(/, 0 of 6 from /);
  });

  it('reports a chart moved to a folder under another name as deleted and added', async () => {
    const { repo, first } = await setup();
    await repo.git('mv', 'charts/web', 'charts/site');
    await repo.write('charts/site/Chart.yaml', (await repo.read('charts/site/Chart.yaml')).replace('name: web', 'name: site'));
    const head = await repo.commit('web becomes site');
    const result = await detectChangedCharts({ cwd: repo.dir, base: first, head, env: {} });
    expect(result.charts.map((c) => [c.name, c.status, c.release])).toEqual([
      ['site', 'added', true],
      ['web', 'deleted', false],
    ]);
  });

  it('pairs a moved chart with the right one of two deleted charts of the same name', async () => {
    const { repo } = await setup();
    await addChart(repo, 'apps/a/web', { name: 'web', version: '3.0.0', values: { a: 1 } });
    const base = await repo.commit('a second web');
    await repo.git('mv', 'apps/a', 'apps/b');
    await repo.remove('charts/web');
    const head = await repo.commit('move one web, drop the other');
    const result = await detectChangedCharts({ cwd: repo.dir, base, head, chartDirs: ['charts', 'apps'], env: {} });
    expect(result.charts.map((c) => [c.path, c.status, c.previousPath, c.release])).toEqual([
      ['apps/b/web', 'renamed', 'apps/a/web', false],
      ['charts/web', 'deleted', undefined, false],
    ]);
  });

  it('lists every chart whose version was not bumped, at once', async () => {
    const { repo, first } = await setup();
    await repo.write('charts/web/values.yaml', 'replicaCount: 4\n');
    await repo.write('charts/lib/templates/_helpers.tpl', '{{- define "lib.x" -}}x{{- end -}}\n');
    await setVersion(repo, 'charts/api', '1.9.0');
    const head = await repo.commit('forgot the bumps');
    const result = await detectChangedCharts({ cwd: repo.dir, base: first, head, env: {} });
    expect(result.errors.map((e) => [e.code, e.chart])).toEqual([
      ['VERSION_NOT_BUMPED', 'api'],
      ['VERSION_NOT_BUMPED', 'lib'],
      ['VERSION_NOT_BUMPED', 'web'],
    ]);
    expect(result.errors[0]!.message).toContain('1.9.0 is lower than the base version 2.0.0');
    expect(result.errors[2]!.hint).toContain('charts/web/Chart.yaml');
  });

  it('reports an invalid version naming the file, alongside the other problems', async () => {
    const { repo, first } = await setup();
    await setVersion(repo, 'charts/web', '1.1');
    await repo.write('charts/lib/Chart.yaml', 'apiVersion: v2\nname: lib\nversion: [\n');
    const head = await repo.commit('broken versions');
    const result = await detectChangedCharts({ cwd: repo.dir, base: first, head, env: {} });
    expect(result.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'VERSION_INVALID', chart: 'web', file: 'charts/web/Chart.yaml', line: 5 }),
        expect.objectContaining({ code: 'CHART_YAML_INVALID', file: 'charts/lib/Chart.yaml' }),
      ]),
    );
    expect(result.charts.map((c) => c.name)).not.toContain('web');
  });

  it('finds the repository from a subfolder and reports repository-relative paths', async () => {
    const { repo, first } = await setup();
    await repo.write('charts/web/values.yaml', 'replicaCount: 7\n');
    await setVersion(repo, 'charts/web', '1.0.1');
    const head = await repo.commit('web');
    const result = await detectChangedCharts({ cwd: `${repo.dir}/charts/api`, base: first, head, env: {} });
    expect(result.charts.map((c) => c.path)).toEqual(['charts/web']);
  });

  it("reads the same changes whatever the user's diff settings (relative paths, renames, prefixes)", async () => {
    const { repo, first } = await setup();
    for (const [key, value] of [
      ['diff.relative', 'true'],
      ['diff.renames', 'copies'],
      ['diff.noprefix', 'true'],
      ['diff.mnemonicPrefix', 'true'],
    ])
      await repo.git('config', key, value);
    await repo.write('charts/web/values.yaml', 'replicaCount: 7\n');
    await setVersion(repo, 'charts/web', '1.0.1');
    await repo.git('mv', 'charts/api', 'charts/backend');
    const head = await repo.commit('web, and api moved');
    const result = await detectChangedCharts({ cwd: `${repo.dir}/charts/web`, base: first, head, env: {} });
    expect(result.charts.map((c) => [c.path, c.status, c.release])).toEqual([
      ['charts/backend', 'renamed', false],
      ['charts/web', 'modified', true],
    ]);
  });

  it('fails with NOT_A_GIT_REPOSITORY outside a repository', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(`${tmpdir()}/not-a-repo-`);
    await expect(detectChangedCharts({ cwd: dir, base: 'HEAD~1', head: 'HEAD', env: {} })).rejects.toMatchObject({ code: 'NOT_A_GIT_REPOSITORY' });
  });

  it('fails with REVISION_NOT_FOUND for an unknown base, pointing at shallow clones', async () => {
    const { repo } = await setup();
    await expect(detectChangedCharts({ cwd: repo.dir, base: 'deadbeef', env: {} })).rejects.toMatchObject({
      code: 'REVISION_NOT_FOUND',
      hint: expect.stringContaining('fetch-depth: 0'),
    });
  });

  it('fails with REVISION_NOT_FOUND for an unknown head, hinting at --head (not --base)', async () => {
    const { repo } = await setup();
    const error = await detectChangedCharts({ cwd: repo.dir, base: 'HEAD', head: 'deadbeef', env: {} }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REVISION_NOT_FOUND', hint: expect.stringContaining('--head') });
    expect((error as { hint: string }).hint).not.toContain('--base');
  });

  it('writes nothing in the repository after a failed detection has returned', async () => {
    const { repo } = await setup();
    const cacheDir = join(repo.dir, '.git', 'chart-release');
    const listing = () =>
      readdir(cacheDir).then(
        (names) => names.sort(),
        () => [],
      );
    await detectChangedCharts({ cwd: repo.dir, base: 'HEAD', head: 'deadbeef', env: {} }).catch(() => undefined);
    const atReturn = await listing();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await listing()).toEqual(atReturn);
    // the folder removes cleanly: no write lands in it while it is being removed
    await rm(repo.dir, { recursive: true });
  });
});
