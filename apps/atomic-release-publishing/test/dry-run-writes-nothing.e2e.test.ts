import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReleaseSandbox, type ReleaseSandbox } from '@chart-release/testkit';
import { chartRelease } from './run-cli.ts';

// the example charts: api-service has a file:// dependency, which packaging places into a copy of the chart folder
describe('plan and publish --dry-run leave the repository as they found it', () => {
  let sandbox: ReleaseSandbox;
  const status = () => sandbox.repo.git('status', '--porcelain', '--untracked-files=all', '--ignored');

  beforeAll(async () => {
    sandbox = await startReleaseSandbox({ signing: 'none' });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it.each(['plan', 'publish --dry-run'])('%s writes nothing inside the repository', async (command) => {
    const before = await status();
    const run = await chartRelease([...command.split(' '), '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(run.exitCode, run.all).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.charts.map((c: { name: string; status: string }) => `${c.name}:${c.status}`)).toEqual([
      'api-service:planned',
      'common-lib:planned',
      'web-app:planned',
    ]);
    expect(await status()).toBe(before);
    expect(existsSync(join(sandbox.repo.dir, '.chart-release'))).toBe(false);
    expect(sandbox.github.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('a configured work folder is used by a dry run too', async () => {
    const run = await chartRelease(['plan', '--work-dir', 'out/plan', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(run.exitCode, run.all).toBe(0);
    expect(existsSync(join(sandbox.repo.dir, 'out/plan/packages/api-service-1.4.0.tgz'))).toBe(true);
  });
});
