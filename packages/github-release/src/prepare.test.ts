import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AggregateReleaseError, ReleaseError } from '@chart-release/core';
import { prepareChartRelease, type PrepareChartReleaseInput } from './prepare.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  });

async function chartRepository(files: Record<string, string>) {
  const root = await mkdtemp(join(tmpdir(), 'prepare-'));
  git(root, 'init', '-q', '-b', 'main');
  for (const [path, text] of Object.entries({ 'charts/web/Chart.yaml': 'name: web\nversion: 0.2.0\n', 'charts/web/web-0.2.0.tgz': 'tgz', ...files })) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'feat(web): a second version');
  return join(root, 'charts/web');
}

const input = (dir: string, extra: Partial<PrepareChartReleaseInput> = {}): PrepareChartReleaseInput => ({
  chart: { name: 'web', version: '0.2.0' },
  chartDir: dir,
  tag: 'web-v0.2.0',
  tagGlob: 'web-v*',
  files: { package: join(dir, 'web-0.2.0.tgz'), changelog: join(dir, 'CHANGELOG.md'), readme: join(dir, 'README.md') },
  registry: 'ghcr.io/acme/charts',
  digest: DIGEST,
  repository: 'acme/charts',
  signing: { mode: 'none' },
  ...extra,
});

describe('prepareChartRelease', () => {
  it("assembles tag, title, assets and notes from the chart's CHANGELOG section", async () => {
    const dir = await chartRepository({ 'charts/web/CHANGELOG.md': '# Changelog\n\n## [0.2.0] - 2026-11-30\n\n- faster start\n\n## [0.1.0]\n\n- first\n' });
    const release = await prepareChartRelease(input(dir, { chartsInRepository: 3 }));
    expect(release).toMatchObject({ chart: 'web', version: '0.2.0', tag: 'web-v0.2.0', name: 'web: v0.2.0', makeLatest: 'false', commits: [] });
    expect(release.changelog).toMatchObject({ body: '- faster start', date: '2026-11-30' });
    expect(release.assets.map((a) => [a.kind, a.name, a.path])).toEqual([
      ['package', 'web-0.2.0.tgz', join(dir, 'web-0.2.0.tgz')],
      ['changelog', 'CHANGELOG.md', join(dir, 'CHANGELOG.md')],
    ]);
    expect(release.notes).toContain('- faster start');
    expect(release.notes).not.toContain('feat(web)');
  });

  it('shows the commits since the previous tag when the CHANGELOG has no section, and warns of each missing optional file', async () => {
    const dir = await chartRepository({});
    const warnings: string[] = [];
    const release = await prepareChartRelease(input(dir, { log: { warn: (m) => warnings.push(m) } }));
    expect(release.changelog).toBeUndefined();
    expect(release.commits.map((c) => c.subject)).toEqual(['feat(web): a second version']);
    expect(release.notes).toContain('feat(web): a second version');
    expect(release.makeLatest).toBe('true');
    expect(warnings).toEqual([expect.stringContaining('changelog file'), expect.stringContaining('readme file')]);
  });

  it('does not read a CHANGELOG generated from the commits, and summarises the lineage document', async () => {
    const dir = await chartRepository({ 'charts/web/CHANGELOG.md': '## [0.2.0]\n\n- generated line\n' });
    const release = await prepareChartRelease(
      input(dir, {
        changelogOrigin: 'commits',
        makeLatest: 'legacy',
        lineage: { document: { pullRequest: { number: 7, url: 'https://github.com/acme/charts/pull/7', title: 'web 0.2.0' } }, asset: 'web-lineage.json' },
      }),
    );
    expect(release.changelog).toBeUndefined();
    expect(release.commits).toHaveLength(1);
    expect(release.notes).toContain('https://github.com/acme/charts/pull/7');
    expect(release.makeLatest).toBe('legacy');
  });

  it('reports every missing required file at once, before reading anything else', async () => {
    const dir = await chartRepository({});
    const one = await prepareChartRelease(input(dir, { required: ['package', 'readme'], lineage: { file: join(dir, 'nope.json') } })).catch((e: unknown) => e);
    expect(one).toBeInstanceOf(ReleaseError);
    expect(one).toMatchObject({ code: 'ASSET_MISSING', file: join(dir, 'README.md') });
    const several = await prepareChartRelease(input(dir, { required: ['package', 'readme', 'signature'] })).catch((e: unknown) => e);
    expect(several).toBeInstanceOf(AggregateReleaseError);
    expect((several as AggregateReleaseError).errors.map((e) => e.code)).toEqual(['ASSET_MISSING', 'ASSET_MISSING']);
  });
});
