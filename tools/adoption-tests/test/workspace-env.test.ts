import { chmod, cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** A clone's scripts folder alone, as a fresh machine has it before setup installs anything. */
async function freshClone(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fresh-clone-'));
  dirs.push(dir);
  await cp(join(root, 'scripts'), join(dir, 'scripts'), { recursive: true });
  return dir;
}

const sourced = async (dir: string) => {
  const r = await execa('bash', ['-c', 'set -euo pipefail; source scripts/env.sh; echo "$PATH"'], { cwd: dir, env: { PATH: '/usr/bin:/bin' }, reject: false });
  return { ...r, path: r.stdout.trim().split(':') };
};

describe('scripts/env.sh, sourced by setup and by every workspace bin', () => {
  it('succeeds under set -euo pipefail before anything is installed (a machine whose own Node is recent enough)', async () => {
    const dir = await freshClone();
    const r = await sourced(dir);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.path[0]).toBe(join(dir, 'node_modules', '.bin'));
    expect(r.path.filter((p) => p.includes('.cache'))).toEqual([]);
  });

  it('puts the newest installed helm v4 first on PATH once setup has installed one', async () => {
    const dir = await freshClone();
    for (const version of ['4.0.1', '4.1.4']) {
      const helm = join(dir, '.cache', 'tools', `helm-v${version}`, 'helm');
      await mkdir(dirname(helm), { recursive: true });
      await writeFile(helm, '#!/bin/sh\n');
      await chmod(helm, 0o755);
    }
    const r = await sourced(dir);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.path.slice(0, 2)).toEqual([join(dir, 'node_modules', '.bin'), join(dir, '.cache', 'tools', 'helm-v4.1.4')]);
  });
});
