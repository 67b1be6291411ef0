import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import type { GitRepo } from '@chart-release/testkit';
import { parseOutputs } from './github-output.ts';
import { setVersion, threeChartRepo } from './fixtures.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = 'packages/changed-charts/src/cli.ts';

/** Runs the CLI from source the way a user of the repository does, outside any Actions job by default. */
function cli(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, ['--conditions=@chart-release/source', CLI, ...args], {
    cwd: root,
    reject: false,
    env: { GITHUB_ACTIONS: '', GITHUB_EVENT_PATH: '', GITHUB_OUTPUT: '', ...env },
  });
}

let repo: GitRepo;
let first: string;
let bumped: string;
let notBumped: string;
beforeAll(async () => {
  ({ repo, first } = await threeChartRepo());
  await repo.write('charts/web/values.yaml', 'replicaCount: 2\n');
  await setVersion(repo, 'charts/web', '1.0.1');
  bumped = await repo.commit('web 1.0.1');
  await repo.write('charts/web/values.yaml', 'replicaCount: 3\n');
  notBumped = await repo.commit('web values without a bump');
});
afterAll(() => repo.dispose());

describe('changed-charts CLI', () => {
  it('--help explains the options and exits 0', async () => {
    const r = await cli(['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Usage:\n  changed-charts');
    for (const flag of ['--base', '--head', '--chart-dir', '--ignore', '--target-branch', '--no-cache', '--json']) expect(r.stdout).toContain(flag);
  });

  it('--json prints the stable result shape on stdout and the log on stderr', async () => {
    const r = await cli(['--cwd', repo.dir, '--base', first, '--head', bumped, '--json']);
    expect(r.exitCode).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(Object.keys(result)).toEqual(['ok', 'charts', 'errors', 'warnings', 'notes', 'base', 'head', 'baseSource']);
    expect(result).toMatchObject({ ok: true, base: first, head: bumped, baseSource: 'flag', errors: [], warnings: [], notes: [] });
    expect(result.charts).toEqual([
      {
        name: 'web',
        path: 'charts/web',
        version: '1.0.1',
        previousVersion: '1.0.0',
        status: 'modified',
        changedFiles: ['charts/web/Chart.yaml', 'charts/web/values.yaml'],
        triggeredBy: [],
        type: 'application',
        release: true,
      },
    ]);
    expect(r.stderr).toContain('comparing');
  });

  it('prints a table without --json and writes the Actions outputs', async () => {
    const outputFile = join(repo.dir, '.git', 'github-output');
    const r = await cli(['--cwd', repo.dir, '--base', first, '--head', bumped], { GITHUB_OUTPUT: outputFile });
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^CHART\s+PATH\s+VERSION\s+STATUS\s+RELEASE\s+WHY\nweb\s+charts\/web\s+1\.0\.0 -> 1\.0\.1\s+modified\s+yes/);
    const outputs = parseOutputs(await readFile(outputFile, 'utf8'));
    expect(JSON.parse(outputs.charts!)).toEqual(['web']);
    expect(JSON.parse(outputs.matrix!)).toEqual({ include: [{ chart: 'web', path: 'charts/web', version: '1.0.1' }] });
  });

  it('writes the dependency index into the git folder, and not with --no-cache', async () => {
    const fresh = await threeChartRepo();
    try {
      await setVersion(fresh.repo, 'charts/web', '1.0.1');
      const head = await fresh.repo.commit('web 1.0.1');
      const index = join(fresh.repo.dir, '.git', 'chart-release', 'chart-index.json');
      const without = await cli(['--cwd', fresh.repo.dir, '--base', fresh.first, '--head', head, '--no-cache', '--json']);
      expect(without.exitCode).toBe(0);
      await expect(stat(index)).rejects.toMatchObject({ code: 'ENOENT' });
      const withIndex = await cli(['--cwd', fresh.repo.dir, '--base', fresh.first, '--head', head, '--json']);
      expect(JSON.parse(withIndex.stdout)).toEqual(JSON.parse(without.stdout));
      expect(JSON.parse(await readFile(index, 'utf8')).roots.charts.dependencies).toHaveProperty('charts/api');
      expect(await fresh.repo.git('status', '--porcelain')).toBe('');
    } finally {
      await fresh.repo.dispose();
    }
  });

  it('releases a sibling with by-name dependents alone, noting the dependents in --json and the table, exit 0', async () => {
    const fresh = await threeChartRepo();
    try {
      // api and web take lib from the repository's chart repository (pinned, locked): their packages hold lib 1.0.0
      await fresh.repo.write(
        'charts/api/Chart.yaml',
        (await fresh.repo.read('charts/api/Chart.yaml')).replace('file://../lib', 'https://acme.github.io/charts'),
      );
      await fresh.repo.write(
        'charts/web/Chart.yaml',
        (await fresh.repo.read('charts/web/Chart.yaml')) + 'dependencies:\n  - name: lib\n    version: 1.0.0\n    repository: oci://ghcr.io/acme/charts\n',
      );
      const base = await fresh.repo.commit('api and web take lib by name');
      await fresh.repo.write('charts/lib/templates/_helpers.tpl', '{{- define "lib.v" -}}2{{- end -}}\n');
      await setVersion(fresh.repo, 'charts/lib', '1.1.0');
      const head = await fresh.repo.commit('lib 1.1.0 alone');

      const json = await cli(['--cwd', fresh.repo.dir, '--base', base, '--head', head, '--registry', 'oci://ghcr.io/acme/charts', '--json']);
      expect(json.exitCode, json.stderr).toBe(0);
      const result = JSON.parse(json.stdout);
      expect(result.errors).toEqual([]);
      expect(result.charts.map((c: { name: string; release: boolean }) => [c.name, c.release])).toEqual([['lib', true]]);
      expect(result.notes.map((n: { message: string }) => n.message)).toEqual([
        'api depends on lib 1.x.x; lib 1.1.0 is released in this push',
        'web depends on lib 1.0.0; lib 1.1.0 is released in this push',
      ]);
      const table = await cli(['--cwd', fresh.repo.dir, '--base', base, '--head', head]);
      expect(table.exitCode).toBe(0);
      expect(table.stdout).toContain('note: web depends on lib 1.0.0; lib 1.1.0 is released in this push.');
    } finally {
      await fresh.repo.dispose();
    }
  });

  it('exits 1 when a version was not bumped, with the error in the JSON and on stderr', async () => {
    const r = await cli(['--cwd', repo.dir, '--base', bumped, '--head', notBumped, '--json']);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout).errors).toEqual([expect.objectContaining({ code: 'VERSION_NOT_BUMPED', chart: 'web', file: 'charts/web/Chart.yaml' })]);
    expect(r.stderr).toContain('[VERSION_NOT_BUMPED] web charts/web/Chart.yaml');
  });

  it('exits 1 with a clear error for an unknown revision, and 2 for an unknown flag', async () => {
    const missing = await cli(['--cwd', repo.dir, '--base', 'no-such-rev']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain("[REVISION_NOT_FOUND] base revision 'no-such-rev'");
    expect(missing.stderr).not.toContain('    at ');
    const usage = await cli(['--frobnicate']);
    expect(usage.exitCode).toBe(2);
    expect(usage.stderr).toContain('USAGE');
  });
});
