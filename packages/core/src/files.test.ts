import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceFile, replaceFileSync } from './files.ts';

const folder = () => mkdtemp(join(tmpdir(), 'replace-file-'));

describe.each([
  ['replaceFile', replaceFile],
  ['replaceFileSync', async (path: string, content: string) => replaceFileSync(path, content)],
] as const)('%s', (_name, replace) => {
  it('replaces the file and leaves nothing beside it', async () => {
    const dir = await folder();
    const file = join(dir, 'state.json');
    await writeFile(file, 'old');
    await replace(file, 'new');
    expect(await readFile(file, 'utf8')).toBe('new');
    expect(await readdir(dir)).toEqual(['state.json']);
  });

  it('removes its temporary file when the rename fails, and throws', async () => {
    const dir = await folder();
    // a folder in the way: the write succeeds, the rename cannot replace a non-empty folder
    await mkdir(join(dir, 'busy', 'inside'), { recursive: true });
    await expect(replace(join(dir, 'busy'), 'text')).rejects.toThrow();
    expect(await readdir(dir)).toEqual(['busy']);
  });
});

it('keeps two writes at once apart: each finishes, the file holds one of them whole', async () => {
  const dir = await folder();
  const file = join(dir, 'index.json');
  const a = 'a'.repeat(200_000);
  const b = 'b'.repeat(200_000);
  await Promise.all([replaceFile(file, a), replaceFile(file, b)]);
  expect([a, b]).toContain(await readFile(file, 'utf8'));
  expect(await readdir(dir)).toEqual(['index.json']);
});
