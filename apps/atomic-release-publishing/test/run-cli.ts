import { execa, type ResultPromise } from 'execa';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

/** Runs `chart-release <args>` from source as a real process, in `cwd`, with exactly `env` (plus PATH/HOME). */
export function chartRelease(args: string[], options: { cwd: string; env: Record<string, string> }): ResultPromise<{ reject: false; all: true }> {
  return execa(process.execPath, ['--conditions=@chart-release/source', CLI, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...options.env },
    extendEnv: false,
    reject: false,
    all: true,
  });
}
