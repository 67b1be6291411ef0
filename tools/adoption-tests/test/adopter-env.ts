import { dirname, join } from 'node:path';

/**
 * The environment of a process in the adopter's project: node and system tools on PATH, the project's own
 * node_modules/.bin first, and nothing of the workspace (no NODE_OPTIONS, no source conditions, no NODE_PATH).
 */
export function adopterEnv(adopterDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: [
      join(adopterDir, 'node_modules', '.bin'),
      dirname(process.execPath),
      '/usr/local/sbin',
      '/usr/local/bin',
      '/usr/sbin',
      '/usr/bin',
      '/sbin',
      '/bin',
    ].join(':'),
    HOME: adopterDir,
    LANG: 'C.UTF-8',
    TMPDIR: process.env.TMPDIR ?? '/tmp',
    ...extra,
  };
}

/** execa options for running in the adopter's project with only `env` (never the test runner's environment). */
export function inAdopter(adopterDir: string, env: Record<string, string> = {}, cwd = adopterDir) {
  return { cwd, env: adopterEnv(adopterDir, env), extendEnv: false, reject: false, all: true } as const;
}
