import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReleaseSandbox, type ReleaseSandbox } from '@chart-release/testkit';
import { chartRelease } from './run-cli.ts';

type Asset = { kind: string; name: string; source: string; generatedFrom?: string; file: string; required: boolean };
type Report = {
  ok: boolean;
  charts: { name: string; status: string; assets?: Asset[] }[];
  errors: { code: string; chart?: string; file?: string; message: string; hint?: string }[];
  warnings: string[];
};

describe('a chart without its own CHANGELOG, README or LICENSE', () => {
  let sandbox: ReleaseSandbox;

  beforeAll(async () => {
    sandbox = await startReleaseSandbox({ charts: ['web-app'], signing: 'none' });
    // `helm create` makes no CHANGELOG.md, README.md nor LICENSE; the repository has one LICENSE at its root
    await sandbox.push('Add the starter chart', async (repo) => {
      await sandbox.helm.run(['create', join(repo.dir, 'charts/starter')]);
      await repo.write('LICENSE', 'Apache License\nVersion 2.0, January 2004\n');
    });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  const plan = async () => {
    const run = await chartRelease(['plan', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    return { run, report: JSON.parse(run.stdout) as Report };
  };

  it("plans the repository's LICENSE and a CHANGELOG from the chart's commits, and warns once that there is no README", async () => {
    const { run, report } = await plan();
    expect(run.exitCode, run.all).toBe(0);
    expect(report.errors).toEqual([]);
    const starter = report.charts.find((c) => c.name === 'starter')!;
    expect(starter.assets!.map((a) => [a.name, a.source, a.generatedFrom ?? null])).toEqual([
      ['starter-0.1.0.tgz', 'run', null],
      ['starter-attestation-lineage.json', 'run', null],
      ['CHANGELOG.md', 'generated', 'commits'],
      ['LICENSE', 'repository', null],
    ]);
    expect(starter.assets!.find((a) => a.kind === 'license')!.file).toBe('LICENSE');
    expect(report.warnings.filter((w) => w.includes('README'))).toEqual(['starter: no README.md in charts/starter; the release goes out without one.']);
    expect(run.stderr).toContain("CHANGELOG.md (generated from commits), LICENSE (repository's)");
  });

  it('generates the CHANGELOG from the artifacthub.io/changes annotation when the chart has one', async () => {
    await sandbox.push('Release starter 0.2.0 with its changes', async (repo) => {
      const chart = await repo.read('charts/starter/Chart.yaml');
      await repo.write(
        'charts/starter/Chart.yaml',
        `${chart.replace(/^version:.*$/m, 'version: 0.2.0')}annotations:\n  artifacthub.io/changes: |\n    - kind: added\n      description: A probe\n    - Plain entry\n`,
      );
    });
    const workDir = join(sandbox.repo.dir, '.plan-work');
    await appendFile(join(sandbox.repo.dir, '.chart-release.yaml'), `workDir: ${workDir}\n`);
    const { run, report } = await plan();
    expect(run.exitCode, run.all).toBe(0);
    const changelog = report.charts.find((c) => c.name === 'starter')!.assets!.find((a) => a.kind === 'changelog')!;
    expect(changelog).toMatchObject({ source: 'generated', generatedFrom: 'annotation', required: false });
    expect(await readFile(join(workDir, 'release-files/starter/CHANGELOG.md'), 'utf8')).toBe(
      "# Changelog\n\n## [0.2.0]\n\nGenerated from the `artifacthub.io/changes` annotation of starter's Chart.yaml.\n\n- Plain entry\n\n### Added\n\n- A probe\n",
    );
  });

  it('refuses the release when release.requiredAssets demands the chart’s own CHANGELOG and LICENSE, naming the key and the files', async () => {
    const config = join(sandbox.repo.dir, '.chart-release.yaml');
    const before = await readFile(config, 'utf8');
    await writeFile(config, before.replace(/^release:.*$/m, '') + 'release:\n  requiredAssets: [package, lineage, changelog, license]\n');
    try {
      const { run, report } = await plan();
      expect(run.exitCode, run.all).toBe(1);
      expect(report.errors.map((e) => [e.code, e.file])).toEqual([
        ['ASSET_MISSING', 'charts/starter/CHANGELOG.md'],
        ['ASSET_MISSING', 'charts/starter/LICENSE'],
      ]);
      expect(report.errors[0]!.message).toContain('release.requiredAssets in .chart-release.yaml lists changelog');
      expect(report.errors[0]!.hint).toContain(
        "remove changelog from release.requiredAssets in .chart-release.yaml (a CHANGELOG is then generated from the chart's changes)",
      );
    } finally {
      await writeFile(config, before);
    }
  });
});
