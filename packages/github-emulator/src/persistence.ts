import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { ReleaseError } from '@chart-release/core';
import type { EmulatorState } from './state.ts';

/** What `statePath` holds: the state (asset bytes inline, base64) and the request log, readable JSON. */
export interface PersistedEmulator<R> {
  format: 'github-emulator-state';
  version: 1;
  saved_at: string;
  state: EmulatorState;
  requests: R[];
}

/** Writes atomically (a temporary file renamed over the old one), so a crash never leaves half a file. */
export function saveState<R>(path: string, state: EmulatorState, requests: R[]): void {
  const document: PersistedEmulator<R> = { format: 'github-emulator-state', version: 1, saved_at: new Date().toISOString(), state, requests };
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(document, null, 2)}\n`);
  renameSync(temporary, path);
}

/** The saved emulator at `path`, or undefined when there is no file yet. */
export function loadState<R>(path: string): PersistedEmulator<R> | undefined {
  if (!existsSync(path)) return undefined;
  let document: PersistedEmulator<R>;
  try {
    document = JSON.parse(readFileSync(path, 'utf8')) as PersistedEmulator<R>;
  } catch (error) {
    throw new ReleaseError('EMULATOR_STATE_UNREADABLE', `cannot read the emulator state: ${(error as Error).message}`, {
      file: path,
      hint: 'delete the file to start from an empty state, or restore it from a backup',
    });
  }
  if (document.format !== 'github-emulator-state' || document.version !== 1 || !document.state) {
    throw new ReleaseError('EMULATOR_STATE_UNREADABLE', 'not a github-emulator state file (format/version missing)', {
      file: path,
      hint: 'point --state at a file written by github-emulator, or at a new path',
    });
  }
  return document;
}
