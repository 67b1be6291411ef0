import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/**
 * The folder where downloaded tools (helm binaries) are cached: `$CHART_RELEASE_CACHE_DIR`, else `.cache/` in the
 * nearest ancestor of the working directory holding a `package-lock.json` or `.git`, else `~/.cache/chart-release`.
 */
export function cacheDir(): string {
  if (process.env.CHART_RELEASE_CACHE_DIR) return resolve(process.env.CHART_RELEASE_CACHE_DIR);
  const root = findProjectRoot(process.cwd());
  return root ? join(root, '.cache') : join(homedir(), '.cache', 'chart-release');
}

/** The nearest ancestor of `from` holding a `package-lock.json` or a `.git`, or undefined. */
export function findProjectRoot(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'package-lock.json')) || existsSync(join(dir, '.git'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}
