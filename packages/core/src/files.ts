import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';

let written = 0;

/** A temporary name beside `path`, unique to this process and this write (two writes may run at once). */
function temporaryFor(path: string): string {
  return `${path}.${process.pid}-${++written}.tmp`;
}

/**
 * Replaces the file at `path` with `content` in one rename: a reader, or a run that crashes halfway, sees the old
 * file or the new one, never half of one. When the write fails, the temporary file beside it is removed and the
 * error is thrown. The folder must exist.
 */
export async function replaceFile(path: string, content: string | Uint8Array): Promise<void> {
  const temporary = temporaryFor(path);
  try {
    await writeFile(temporary, content);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** `replaceFile`, synchronously: for a small file whose caller waits for the write anyway. */
export function replaceFileSync(path: string, content: string | Uint8Array): void {
  const temporary = temporaryFor(path);
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
