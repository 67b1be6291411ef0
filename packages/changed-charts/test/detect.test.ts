import { afterEach, describe, expect, it } from 'vitest';
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
      expect.objectContaining({ code: 'DEPENDENCY_FOLDER_GONE', chart: 'api', file: 'charts/api/Chart.yaml', message: expect.stringContaining('removes charts/lib') }),
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
      expect.objectContaining({ name: 'web', path: 'charts/website', previousPath: 'charts/web', status: 'renamed', release: true, version: '1.0.1', previousVersion: '1.0.0' }),
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
      expect.objectContaining({ name: 'web', status: 'renamed', path: 'apps/web-frontend', previousPath: 'charts/web', version: '2.0.0', previousVersion: '1.0.0', release: true }),
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

  it('reports charts depending on a changed chart, by file:// and by name, transitively, with triggeredBy', async () => {
    const { repo } = await setup();
    await addChart(repo, 'charts/umbrella', {
      name: 'umbrella',
      version: '0.5.0',
      dependencies: [{ name: 'api', version: '>=2.0.0', repository: 'oci://ghcr.io/acme/charts' }],
    });
    await addChart(repo, 'charts/unrelated', { name: 'unrelated', version: '1.0.0', dependencies: [{ name: 'redis', version: '1.0.0', repository: 'oci://registry-1.docker.io/bitnamicharts' }] });
    const base = await repo.commit('umbrella');
    await repo.write('charts/lib/templates/_helpers.tpl', '{{- define "lib.labels" -}}changed: "yes"{{- end -}}\n');
    await setVersion(repo, 'charts/lib', '1.1.0');
    await setVersion(repo, 'charts/api', '2.0.1');
    const head = await repo.commit('lib changes');

    const result = await detectChangedCharts({ cwd: repo.dir, base, head, env: {} });
    const charts = byName(result);
    expect(Object.keys(charts)).toEqual(['api', 'lib', 'umbrella']);
    expect(charts.lib).toMatchObject({ triggeredBy: [], type: 'library', release: true });
    expect(charts.api).toMatchObject({ triggeredBy: ['lib'], changedFiles: ['charts/api/Chart.yaml'], status: 'modified', previousVersion: '2.0.0', version: '2.0.1', release: true });
    // umbrella's version was not bumped: it must be, since its packaged content changes with api
    expect(charts.umbrella).toMatchObject({ triggeredBy: ['api'], changedFiles: [], previousVersion: '0.5.0', version: '0.5.0' });
    expect(result.errors).toEqual([expect.objectContaining({ code: 'VERSION_NOT_BUMPED', chart: 'umbrella', file: 'charts/umbrella/Chart.yaml' })]);
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
});
