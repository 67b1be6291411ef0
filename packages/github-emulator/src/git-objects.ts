import { createHash } from 'node:crypto';

/**
 * Git's object model as GitHub's Git Data API exposes it: blobs and trees hashed exactly as git hashes them
 * (`sha1("<type> <size>\0<body>")`), so a sha the emulator returns is the one `git hash-object` would print.
 * https://git-scm.com/book/en/v2/Git-Internals-Git-Objects
 */
export interface TreeEntry {
  /** One path segment. */
  name: string;
  /** `100644` file, `100755` executable, `040000` tree, `120000` symlink, `160000` submodule. */
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
}

/** Where a repository keeps its objects (JSON: blob bytes as base64). */
export interface GitObjectStore {
  blobs: Record<string, string>;
  trees: Record<string, TreeEntry[]>;
}

export const EMPTY_TREE_SHA = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

function hashObject(type: string, body: Buffer): string {
  return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
}

/** Stores the bytes as a blob; returns git's sha for them. */
export function writeBlob(store: GitObjectStore, bytes: Buffer): string {
  const sha = hashObject('blob', bytes);
  store.blobs[sha] ??= bytes.toString('base64');
  return sha;
}

export function readBlob(store: GitObjectStore, sha: string): Buffer | undefined {
  const data = store.blobs[sha];
  return data === undefined ? undefined : Buffer.from(data, 'base64');
}

/** Git sorts tree entries by name, a tree's name compared as if it ended in `/`. */
function sortKey(entry: TreeEntry): string {
  return entry.type === 'tree' ? `${entry.name}/` : entry.name;
}

/** Stores a tree (entries in git's order); returns git's sha for it. */
export function writeTree(store: GitObjectStore, entries: TreeEntry[]): string {
  const sorted = [...entries].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  const body = Buffer.concat(sorted.map((e) => Buffer.concat([Buffer.from(`${e.mode.replace(/^0+/, '')} ${e.name}\0`), Buffer.from(e.sha, 'hex')])));
  const sha = hashObject('tree', body);
  store.trees[sha] ??= sorted.map((e) => ({
    ...e,
    mode: e.type === 'tree' ? '040000' : e.mode,
  }));
  return sha;
}

export function readTree(store: GitObjectStore, sha: string): TreeEntry[] | undefined {
  if (sha === EMPTY_TREE_SHA) return store.trees[sha] ?? [];
  return store.trees[sha];
}

/** One entry of a tree listed recursively: its full path. */
export interface TreePathEntry extends TreeEntry {
  path: string;
}

/** Every entry under the tree, depth first, trees before their contents (as `git ls-tree -r -t`). */
export function listTree(store: GitObjectStore, sha: string, recursive: boolean, prefix = ''): TreePathEntry[] {
  const out: TreePathEntry[] = [];
  for (const entry of readTree(store, sha) ?? []) {
    const path = `${prefix}${entry.name}`;
    out.push({ ...entry, path });
    if (recursive && entry.type === 'tree') out.push(...listTree(store, entry.sha, true, `${path}/`));
  }
  return out;
}

/** The entry at a slash-separated path, or undefined. */
export function findPath(store: GitObjectStore, treeSha: string, path: string): TreeEntry | undefined {
  const parts = path.split('/').filter(Boolean);
  if (parts.length === 0) return { name: '', mode: '040000', type: 'tree', sha: treeSha };
  let entries = readTree(store, treeSha);
  for (const [i, part] of parts.entries()) {
    const entry = entries?.find((e) => e.name === part);
    if (!entry || i === parts.length - 1) return entry;
    if (entry.type !== 'tree') return undefined;
    entries = readTree(store, entry.sha);
  }
  return undefined;
}

/** A change at a full path: a new entry, or `null` to remove what is there. */
export type PathChange = {
  path: string;
  entry: Omit<TreeEntry, 'name'> | null;
};

/** A new tree: `base` (or the empty tree) with the changes applied, nested trees rewritten as needed. */
export function applyChanges(store: GitObjectStore, base: string | undefined, changes: PathChange[]): string {
  const entries = new Map((base ? (readTree(store, base) ?? []) : []).map((e) => [e.name, e]));
  const nested = new Map<string, PathChange[]>();
  for (const change of changes) {
    const [head, ...rest] = change.path.split('/').filter(Boolean);
    if (!head) continue;
    if (rest.length === 0) {
      if (change.entry) entries.set(head, { ...change.entry, name: head });
      else entries.delete(head);
    } else nested.set(head, [...(nested.get(head) ?? []), { path: rest.join('/'), entry: change.entry }]);
  }
  for (const [name, inner] of nested) {
    const existing = entries.get(name);
    const sha = applyChanges(store, existing?.type === 'tree' ? existing.sha : undefined, inner);
    if ((readTree(store, sha) ?? []).length === 0) entries.delete(name);
    else entries.set(name, { name, mode: '040000', type: 'tree', sha });
  }
  return writeTree(store, [...entries.values()]);
}

/** A person line of a commit object: `Name <email> 1700000000 +0000`. */
export function personLine(person: { name: string; email: string; date: string }): string {
  return `${person.name} <${person.email}> ${Math.floor(Date.parse(person.date) / 1000)} +0000`;
}

/** The commit object's text (what is signed), and git's sha of the object with the signature in it. */
export function commitObject(
  commit: {
    tree: string;
    parents: string[];
    author: { name: string; email: string; date: string };
    committer: { name: string; email: string; date: string };
    message: string;
  },
  signature?: string,
) {
  const headers = [
    `tree ${commit.tree}`,
    ...commit.parents.map((p) => `parent ${p}`),
    `author ${personLine(commit.author)}`,
    `committer ${personLine(commit.committer)}`,
  ];
  const payload = `${headers.join('\n')}\n\n${commit.message}`;
  const signed = signature === undefined ? payload : `${headers.join('\n')}\ngpgsig ${signature.trimEnd().split('\n').join('\n ')}\n\n${commit.message}`;
  return { payload, sha: hashObject('commit', Buffer.from(signed)) };
}
