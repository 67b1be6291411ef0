import { execa, type ResultPromise } from 'execa';
import { BUNDLED_CLI } from './cli-bundle.ts';

/** The CLI's sources bundled by the e2e project's global setup (cli-bundle.ts). */
export const CLI = BUNDLED_CLI;

/** Runs `chart-release <args>` as a real process, in `cwd`, with exactly `env` (plus PATH/HOME). */
export function chartRelease(args: string[], options: { cwd: string; env: Record<string, string> }): ResultPromise<{ reject: false; all: true }> {
  return execa(process.execPath, [CLI, ...args], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...options.env },
    extendEnv: false,
    reject: false,
    all: true,
  });
}
