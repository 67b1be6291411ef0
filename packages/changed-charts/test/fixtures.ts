import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { GitRepo, writeChart, type ChartSpec } from '@chart-release/testkit';

/** Writes a generated chart at `path` (repository-relative) in `repo`. */
export async function addChart(repo: GitRepo, path: string, spec: ChartSpec): Promise<void> {
  await writeChart(join(repo.dir, path), spec);
}

/** Rewrites the `version:` line of a chart's Chart.yaml. */
export async function setVersion(repo: GitRepo, path: string, version: string): Promise<void> {
  const file = `${path}/Chart.yaml`;
  await repo.write(file, (await repo.read(file)).replace(/^version: .*$/m, `version: ${version}`));
}

/** A push event payload file, as GitHub writes it to $GITHUB_EVENT_PATH. */
export async function pushEvent(before: string, after: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'gh-event-')), 'event.json');
  await writeFile(file, JSON.stringify({ ref: 'refs/heads/release', before, after, forced: false }));
  return file;
}

export const ZERO_SHA = '0'.repeat(40);

/** A repository with three charts on `main`: web (app), lib (library), api (app depending on lib via file://). */
export async function threeChartRepo(): Promise<{ repo: GitRepo; first: string }> {
  const repo = await GitRepo.create();
  await addChart(repo, 'charts/web', { name: 'web', version: '1.0.0', docs: true });
  await addChart(repo, 'charts/lib', { name: 'lib', version: '1.0.0', type: 'library' });
  await addChart(repo, 'charts/api', { name: 'api', version: '2.0.0', dependencies: [{ name: 'lib', version: '1.x.x', repository: 'file://../lib' }] });
  await repo.write('README.md', '# charts\n');
  const first = await repo.commit('three charts');
  return { repo, first };
}
