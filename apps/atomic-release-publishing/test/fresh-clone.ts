import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ReleaseSandbox } from '@chart-release/testkit';

/** A fresh clone of the sandbox's repository at its release head, as a re-run's checkout is (plus its config file). */
export async function freshClone(sandbox: ReleaseSandbox): Promise<{ dir: string; dispose(): Promise<void> }> {
  const parent = await mkdtemp(join(tmpdir(), 'rerun-checkout-'));
  const dir = join(parent, 'repo');
  await execa('git', ['clone', '--quiet', '--branch', 'release', sandbox.repo.dir, dir]);
  await execa('git', ['fetch', '--quiet', 'origin', 'main:main'], { cwd: dir });
  await copyFile(join(sandbox.repo.dir, '.chart-release.yaml'), join(dir, '.chart-release.yaml'));
  return { dir, dispose: () => rm(parent, { recursive: true, force: true }) };
}
