import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { replaceFile } from '@chart-release/core';

/** sha256 (hex) of a file. */
export async function fileSha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** Writes JSON through a temp file and a rename, so a crash never leaves half a file. */
export async function writeJsonFile(path: string, data: unknown): Promise<void> {
  await replaceFile(path, `${JSON.stringify(data, null, 2)}\n`);
}
