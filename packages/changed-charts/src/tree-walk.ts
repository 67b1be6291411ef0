import type { ObjectReader } from './object-reader.ts';

/** What a path names in a tree: a blob (file or symlink), a tree (folder) or a commit (submodule). */
export interface TreeEntry {
  sha: string;
  type: 'blob' | 'tree' | 'commit';
}

/**
 * Parses a git tree object, entries of `<mode> <name>\0<binary id>`
 * (https://git-scm.com/book/en/v2/Git-Internals-Git-Objects), calling `visit` for each.
 */
export function readTree(data: Buffer, hashBytes: number, visit: (name: string, entry: () => TreeEntry, isFolder: boolean) => void): void {
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(32, pos);
    const nul = data.indexOf(0, space);
    const start = pos;
    pos = nul + 1 + hashBytes;
    // the id and type are decoded only for the entries the caller wants
    const mode = data.toString('latin1', start, space);
    visit(
      data.toString('utf8', space + 1, nul),
      () => ({ sha: data.toString('hex', nul + 1, nul + 1 + hashBytes), type: mode === '40000' ? 'tree' : mode === '160000' ? 'commit' : 'blob' }),
      mode === '40000',
    );
  }
}

/**
 * Looks up many repository-relative paths at `rev`, reading each folder on their way once, level by level (one
 * round trip per depth). Cheaper than asking for `<rev>:<path>` one by one, which makes git re-read every parent
 * folder, including a `charts/` folder with thousands of entries, for each path. Missing paths are left out. With
 * `stopAt`, folders below one that holds a file of that name are not read.
 */
export async function lookupPaths(
  objects: ObjectReader,
  rev: string,
  paths: Iterable<string>,
  options: { stopAt?: string } = {},
): Promise<Map<string, TreeEntry>> {
  const found = new Map<string, TreeEntry>();
  const wanted = new Set<string>();
  const folders = new Set<string>();
  for (const path of paths) {
    wanted.add(path);
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) folders.add(parts.slice(0, i).join('/'));
  }
  if (wanted.size === 0) return found;
  let level: { path: string; name: string }[] = [{ path: '', name: `${rev}^{tree}` }];
  let hashBytes = 0;
  while (level.length) {
    const trees = await objects.contents(level.map((t) => t.name));
    const next: { path: string; name: string }[] = [];
    level.forEach((tree, i) => {
      const object = trees[i];
      if (!object?.data || object.type !== 'tree') return;
      hashBytes ||= object.sha.length / 2;
      const prefix = tree.path ? `${tree.path}/` : '';
      const below: { path: string; name: string }[] = [];
      let stop = false;
      readTree(object.data, hashBytes, (name, entry) => {
        const path = prefix + name;
        const isWanted = wanted.has(path);
        if (isWanted && name === options.stopAt) stop = true;
        const isFolder = folders.has(path);
        if (!isWanted && !isFolder) return;
        const e = entry();
        if (isWanted) found.set(path, e);
        if (isFolder && e.type === 'tree') below.push({ path, name: e.sha });
      });
      // with stopAt, a folder holding that file is as deep as the caller needs to look
      if (!stop) next.push(...below);
    });
    level = next;
  }
  return found;
}
