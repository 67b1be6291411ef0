import { appendFileSync } from 'node:fs';
import { replaceFile } from './files.ts';
import { redact } from './redact.ts';

/**
 * The one way text reaches the user: stdout, stderr, and files written for them (step summary, outputs, release
 * manifest, lineage). Everything passes through `redact`, so a registered secret or a token shape never leaves.
 */
export interface OutputWriter {
  /** Results: a table, or JSON with `--json`. */
  stdout(text: string): void;
  /** Logs, error lines and workflow commands. */
  stderr(text: string): void;
}

/** Writes `text` (redacted) to the process's stdout. */
export function writeStdout(text: string): void {
  process.stdout.write(redact(text));
}

/** Writes `text` (redacted) to the process's stderr. */
export function writeStderr(text: string): void {
  process.stderr.write(redact(text));
}

/** The process's stdout and stderr, redacted. */
export const processOutput: OutputWriter = { stdout: writeStdout, stderr: writeStderr };

/**
 * Writes a file meant for the user (a manifest, a lineage file, a report) with its text redacted, through a
 * temporary file and a rename (see `replaceFile`).
 */
export async function writeUserFile(path: string, text: string): Promise<void> {
  await replaceFile(path, redact(text));
}

/** Appends text (redacted) to a file meant for the user (`$GITHUB_STEP_SUMMARY`, `$GITHUB_OUTPUT`). */
export function appendUserFile(path: string, text: string): void {
  appendFileSync(path, redact(text));
}

/** Writes `value` as indented JSON (redacted) on stdout. */
export function writeJson(value: unknown): void {
  writeStdout(`${JSON.stringify(value, null, 2)}\n`);
}
