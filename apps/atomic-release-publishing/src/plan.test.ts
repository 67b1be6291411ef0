import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { buildReleasePlan, formatPlan, type DetectedChart } from './plan.ts';

const detected = (charts: DetectedChart[]) => ({ base: 'b'.repeat(40), head: 'a'.repeat(40), charts });
const chart = (name: string, version: string): DetectedChart => ({
  name,
  version,
  path: `charts/${name}`,
  status: 'modified',
  changedFiles: [],
  triggeredBy: [],
  type: 'application',
  release: true,
});

async function repo(yaml = '') {
  const cwd = await mkdtemp(join(tmpdir(), 'plan-'));
  await mkdir(join(cwd, 'charts/web-app'), { recursive: true });
  await writeFile(join(cwd, 'charts/web-app/README.md'), '# web-app\n');
  if (yaml) await writeFile(join(cwd, '.chart-release.yaml'), yaml);
  return loadConfig({ cwd, env: {}, flags: { registry: 'oci://127.0.0.1:5000/charts', repository: 'acme/charts' } });
}

describe('the release plan', () => {
  it('spells the OCI tag as helm does and keeps the version in the git tag', async () => {
    const plan = buildReleasePlan(detected([chart('web-app', '1.2.3+build.5')]), await repo());
    expect(plan.charts[0]).toMatchObject({
      ociTag: '1.2.3_build.5',
      ociRef: 'oci://127.0.0.1:5000/charts/web-app:1.2.3_build.5',
      gitTag: 'web-app-v1.2.3+build.5',
      packageFile: 'web-app-1.2.3+build.5.tgz',
    });
  });

  it('plans the assets release.requiredAssets asks for, with their sources, and none of the signatures when signing is off', async () => {
    const config = await repo('signing:\n  mode: none\nrelease:\n  requiredAssets: [package, lineage, license]\n');
    const [c] = buildReleasePlan(detected([chart('web-app', '0.3.0')]), config).charts;
    expect(c!.assets.map((a) => [a.kind, a.name, a.required, a.producedBy ?? 'checkout'])).toEqual([
      ['package', 'web-app-0.3.0.tgz', true, 'packaged'],
      ['lineage', 'web-app-attestation-lineage.json', true, 'lineage'],
      ['readme', 'README.md', false, 'checkout'],
      ['license', 'LICENSE', true, 'checkout'],
    ]);
    expect(c!.assets.find((a) => a.kind === 'package')!.source).toBe(join(config.workDir, 'packages', 'web-app-0.3.0.tgz'));
  });

  it("plans the release files the facts found, with their origin; a kind release.requiredAssets demands stays the chart folder's", async () => {
    const config = await repo('signing:\n  mode: none\nrelease:\n  requiredAssets: [package, lineage, readme]\n');
    const sourceFiles = {
      'web-app': {
        files: { license: join(config.cwd, 'LICENSE'), changelog: join(config.workDir, 'release-files/web-app/CHANGELOG.md') },
        origins: { license: 'repository', changelog: 'commits' } as const,
      },
    };
    const [c] = buildReleasePlan(detected([chart('web-app', '0.3.0')]), config, { sourceFiles }).charts;
    expect(c!.assets.filter((a) => !a.producedBy).map((a) => [a.kind, a.source, a.required, a.origin ?? null])).toEqual([
      ['changelog', join(config.workDir, 'release-files/web-app/CHANGELOG.md'), false, 'commits'],
      ['readme', join(config.cwd, 'charts/web-app/README.md'), true, null],
      ['license', join(config.cwd, 'LICENSE'), false, 'repository'],
    ]);
    expect(formatPlan(buildReleasePlan(detected([chart('web-app', '0.3.0')]), config, { sourceFiles }))).toContain(
      "CHANGELOG.md (generated from commits), README.md, LICENSE (repository's)",
    );
  });

  it('decides make-latest from the charts of the repository, and prints signing, make-latest and lineage', async () => {
    const config = await repo();
    const one = buildReleasePlan(detected([chart('web-app', '0.3.0')]), config, { chartCount: 1, signingMode: 'sigstore' });
    const several = buildReleasePlan(detected([chart('web-app', '0.3.0')]), config, {
      chartCount: 3,
      pullRequest: { number: 7, url: 'https://github.com/acme/charts/pull/7' },
    });
    expect([one.makeLatest, several.makeLatest]).toEqual(['true', 'false']);
    expect(one.charts[0]!.assets.map((a) => a.kind)).toEqual(expect.arrayContaining(['signature', 'bundle']));
    expect(formatPlan(several)).toContain('make-latest false; lineage PR #7');
  });

  it('notes the charts that depend by name on a released chart, and only on one this run releases', async () => {
    const note = (dependency: string) => ({
      chart: 'web',
      path: 'charts/web',
      dependency,
      constraint: '1.2.*',
      released: '1.3.0',
      message: `web depends on ${dependency} 1.2.*; ${dependency} 1.3.0 is released in this push`,
    });
    const plan = buildReleasePlan({ ...detected([chart('lib', '1.3.0')]), notes: [note('lib'), note('adopted')] }, await repo());
    expect(plan.notes.map((n) => n.dependency)).toEqual(['lib']);
    expect(formatPlan(plan)).toContain('  note: web depends on lib 1.2.*; lib 1.3.0 is released in this push\n');
  });

  it("prints how long its GitHub writes take within GitHub's limits", async () => {
    const plan = buildReleasePlan(detected([chart('web-app', '0.3.0')]), await repo());
    const write = (i: number) => ({ stage: 'release', system: 'github' as const, kind: 'asset', target: `web-app-v0.3.0/a${i}` });
    expect(formatPlan({ ...plan, writes: Array.from({ length: 9 }, (_, i) => write(i)) })).toContain(
      "9 GitHub writes: at least 8 s within GitHub's limits (80 a minute, 500 an hour, a second apart)",
    );
    // a 100-chart first release of nine writes a chart cannot finish inside an hour
    expect(formatPlan({ ...plan, writes: Array.from({ length: 900 }, (_, i) => write(i)) })).toContain('900 GitHub writes: at least 1 h 6 min 39 s');
  });
});
