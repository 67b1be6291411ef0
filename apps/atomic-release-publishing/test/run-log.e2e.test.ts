import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReleaseSandbox, type ReleaseSandbox } from '@chart-release/testkit';
import { chartRelease } from './run-cli.ts';

const CHARTS = ['api-service', 'common-lib', 'web-app'];
const lines = (text: string, re: RegExp) => text.split('\n').filter((l) => re.test(l));

// signing: none makes every chart warn ("not signed"), which is what the warning checks need
describe('the log of a publish run', () => {
  let sandbox: ReleaseSandbox;
  let temp: string;

  beforeAll(async () => {
    sandbox = await startReleaseSandbox({ signing: 'none' });
    temp = await mkdtemp(join(tmpdir(), 'run-log-'));
  });
  afterAll(async () => {
    await sandbox?.stop();
    if (temp) await rm(temp, { recursive: true, force: true });
  });

  it('in Actions: one push line per chart, each warning once as an annotation and once in the summary, relative paths', async () => {
    const summary = join(temp, 'summary.md');
    await writeFile(summary, '');
    const run = await chartRelease(['publish'], { cwd: sandbox.repo.dir, env: { ...sandbox.env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary } });
    expect(run.exitCode, run.all).toBe(0);
    for (const chart of CHARTS) {
      expect(lines(run.all!, new RegExp(`(pushed|already in the registry).*${chart}:`))).toHaveLength(1);
      expect(lines(run.all!, new RegExp(`^::warning.*${chart}: not signed`))).toHaveLength(1);
    }
    const text = await readFile(summary, 'utf8');
    for (const chart of CHARTS) expect(text.split(`${chart}: not signed`)).toHaveLength(2);
    expect(run.all).not.toContain(`${sandbox.repo.dir}/`);
  });

  it('a re-run says "already in the registry", never "pushed", and prefixes each line once', async () => {
    const run = await chartRelease(['publish'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(run.exitCode, run.all).toBe(0);
    for (const chart of CHARTS) {
      expect(lines(run.stderr, new RegExp(`^\\[${chart}\\] already in the registry: `))).toHaveLength(1);
      expect(lines(run.stderr, new RegExp(`^\\[${chart}\\] ${chart}: `))).toEqual([]);
    }
    expect(run.stderr).not.toMatch(/\] pushed/);
  });
});
