import { afterEach, describe, expect, it } from 'vitest';
import { GitRepo } from '@chart-release/testkit';
import { detectChangedCharts } from '@chart-release/changed-charts';
import { addChart, pushEvent, setVersion, threeChartRepo, ZERO_SHA } from './fixtures.ts';

const repos: GitRepo[] = [];
afterEach(async () => {
  await Promise.all(repos.splice(0).map((r) => r.dispose()));
});

/** main with three charts, then a `release` branch with one more commit changing web. */
async function releaseBranch() {
  const { repo, first } = await threeChartRepo();
  repos.push(repo);
  await repo.checkout('release', { create: true });
  await repo.write('charts/web/values.yaml', 'replicaCount: 2\n');
  await setVersion(repo, 'charts/web', '1.1.0');
  const head = await repo.commit('web 1.1.0');
  return { repo, first, head };
}

describe('choosing the base of the range', () => {
  it('uses before/after of the push event', async () => {
    const { repo, first, head } = await releaseBranch();
    const result = await detectChangedCharts({ cwd: repo.dir, env: { GITHUB_EVENT_PATH: await pushEvent(first, head) } });
    expect(result).toMatchObject({ base: first, head, baseSource: 'event' });
    expect(result.charts.map((c) => c.name)).toEqual(['web']);
  });

  it('on the first push of a branch (all-zero before) compares with the merge-base of the target branch', async () => {
    const { repo, first, head } = await releaseBranch();
    const result = await detectChangedCharts({ cwd: repo.dir, env: { GITHUB_EVENT_PATH: await pushEvent(ZERO_SHA, head) } });
    expect(result).toMatchObject({ base: first, head, baseSource: 'merge-base' });
    expect(result.charts.map((c) => c.name)).toEqual(['web']);
  });

  it('after a force push (before not an ancestor) compares with the merge-base of a configured target branch', async () => {
    const { repo, first } = await releaseBranch();
    await repo.git('branch', '-m', 'main', 'trunk');
    const rewritten = await repo.commit('amended history, part 1');
    await repo.git('reset', '-q', '--hard', 'HEAD~2');
    await repo.write('charts/lib/templates/_helpers.tpl', '{{- define "lib.y" -}}y{{- end -}}\n');
    await setVersion(repo, 'charts/lib', '1.0.1');
    await setVersion(repo, 'charts/api', '2.0.1');
    const head = await repo.commit('lib 1.0.1 instead');
    const result = await detectChangedCharts({ cwd: repo.dir, targetBranch: 'trunk', env: { GITHUB_EVENT_PATH: await pushEvent(rewritten, head) } });
    expect(result).toMatchObject({ base: first, head, baseSource: 'merge-base', errors: [] });
    expect(result.charts.map((c) => [c.name, c.triggeredBy])).toEqual([
      ['api', ['lib']],
      ['lib', []],
    ]);
  });

  it('a before that is missing from the clone is treated like a force push', async () => {
    const { repo, first, head } = await releaseBranch();
    const result = await detectChangedCharts({ cwd: repo.dir, env: { GITHUB_EVENT_PATH: await pushEvent('1'.repeat(40), head) } });
    expect(result).toMatchObject({ base: first, baseSource: 'merge-base' });
  });

  it('without a target branch falls back to the last release tag', async () => {
    const { repo, head } = await releaseBranch();
    await repo.git('tag', 'web-v1.1.0', head);
    await addChart(repo, 'charts/extra', { name: 'extra', version: '0.1.0' });
    const after = await repo.commit('extra');
    await repo.git('branch', '-D', 'main');
    const result = await detectChangedCharts({ cwd: repo.dir, env: { GITHUB_EVENT_PATH: await pushEvent(ZERO_SHA, after) } });
    expect(result).toMatchObject({ base: head, head: after, baseSource: 'last-tags' });
    expect(result.charts.map((c) => c.name)).toEqual(['extra']);
  });

  it('with a custom tag template only its tags count', async () => {
    const { repo, first, head } = await releaseBranch();
    await repo.git('tag', 'v-unrelated', head);
    await repo.git('tag', 'release/web/1.0.0', first);
    await repo.git('branch', '-D', 'main');
    const result = await detectChangedCharts({ cwd: repo.dir, tagTemplate: 'release/{name}/{version}', env: {} });
    expect(result).toMatchObject({ base: first, baseSource: 'last-tags' });
  });

  it('with no target branch and no tag compares with the empty tree: every chart is new', async () => {
    const { repo, head } = await releaseBranch();
    await repo.git('branch', '-D', 'main');
    const result = await detectChangedCharts({ cwd: repo.dir, env: { GITHUB_EVENT_PATH: await pushEvent(ZERO_SHA, head) } });
    expect(result.baseSource).toBe('root');
    expect(result.charts.map((c) => [c.name, c.status])).toEqual([
      ['api', 'added'],
      ['lib', 'added'],
      ['web', 'added'],
    ]);
    expect(byNameTriggered(result.charts)).toEqual({ api: ['lib'], lib: [], web: [] });
  });

  it('explicit --base wins over the event', async () => {
    const { repo, first, head } = await releaseBranch();
    const result = await detectChangedCharts({ cwd: repo.dir, base: head, env: { GITHUB_EVENT_PATH: await pushEvent(first, head) } });
    expect(result).toMatchObject({ base: head, head, baseSource: 'flag', charts: [] });
  });
});

function byNameTriggered(charts: { name: string; triggeredBy: string[] }[]) {
  return Object.fromEntries(charts.map((c) => [c.name, c.triggeredBy]));
}
