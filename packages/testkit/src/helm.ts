import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ensureHelm } from './tools.ts';

/** A helm binary with its own config, cache and registry-credential folders, so tests never touch `~/.config`. */
export interface IsolatedHelm {
  major: 3 | 4;
  binary: string;
  /** Environment to pass to anything that runs this helm (HELM_*_HOME, HELM_REGISTRY_CONFIG). */
  env: Record<string, string>;
  /** Runs helm with `args`; rejects with stderr on a non-zero exit. */
  run(args: string[], options?: { cwd?: string }): Promise<{ stdout: string; stderr: string }>;
  dispose(): Promise<void>;
}

/** Installs (if needed) and returns helm of `major` with isolated state folders. */
export async function isolatedHelm(major: 3 | 4 = 4): Promise<IsolatedHelm> {
  const binary = await ensureHelm(major);
  const home = await mkdtemp(join(tmpdir(), `helm${major}-home-`));
  const env = {
    HELM_CONFIG_HOME: join(home, 'config'),
    HELM_CACHE_HOME: join(home, 'cache'),
    HELM_DATA_HOME: join(home, 'data'),
    HELM_REGISTRY_CONFIG: join(home, 'config', 'registry', 'config.json'),
    HELM_REPOSITORY_CONFIG: join(home, 'config', 'repositories.yaml'),
    HELM_REPOSITORY_CACHE: join(home, 'cache', 'repository'),
  };
  return {
    major,
    binary,
    env,
    async run(args, options = {}) {
      const r = await execa(binary, args, { cwd: options.cwd, env, extendEnv: true, reject: false });
      if (r.exitCode !== 0) {
        throw new Error(`helm ${args[0]} failed (exit ${r.exitCode}): ${r.stderr || r.stdout}`);
      }
      return { stdout: r.stdout, stderr: r.stderr };
    },
    async dispose() {
      await rm(home, { recursive: true, force: true });
    },
  };
}
