import { describe, expect, it } from 'vitest';
import { EMPTY_TREE_SHA, applyChanges, commitObject, findPath, listTree, writeBlob, writeTree, type GitObjectStore } from './git-objects.ts';

// expected shas printed by git 2.x for the same content (git hash-object, git write-tree, git commit-tree)
describe('git objects', () => {
  it('hashes blobs, trees and commits as git does', () => {
    const store: GitObjectStore = { blobs: {}, trees: {} };
    expect(writeTree(store, [])).toBe(EMPTY_TREE_SHA);
    const hello = writeBlob(store, Buffer.from('hello\n'));
    expect(hello).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    const tree = applyChanges(store, undefined, [
      {
        path: 'd/b',
        entry: {
          mode: '100644',
          type: 'blob',
          sha: writeBlob(store, Buffer.from('x')),
        },
      },
      { path: 'a.txt', entry: { mode: '100644', type: 'blob', sha: hello } },
    ]);
    expect(tree).toBe('60a1046ef7dbcd695e8967e09932564b178b53e8');
    expect(listTree(store, tree, true).map((e) => `${e.mode} ${e.type} ${e.path}`)).toEqual(['100644 blob a.txt', '040000 tree d', '100644 blob d/b']);
    const person = { name: 'A', email: 'a@x', date: '2026-01-02T03:04:05Z' };
    expect(
      commitObject({
        tree,
        parents: [],
        author: person,
        committer: person,
        message: 'msg\n',
      }).sha,
    ).toBe('a165b1b44d662a9a5b9d5769cb558528559f7754');
  });

  it('applies changes on a base tree, removing emptied directories', () => {
    const store: GitObjectStore = { blobs: {}, trees: {} };
    const blob = writeBlob(store, Buffer.from('index'));
    const base = applyChanges(store, undefined, [
      {
        path: 'charts/index.yaml',
        entry: { mode: '100644', type: 'blob', sha: blob },
      },
    ]);
    const added = applyChanges(store, base, [{ path: 'README.md', entry: { mode: '100644', type: 'blob', sha: blob } }]);
    expect(findPath(store, added, 'charts/index.yaml')?.sha).toBe(blob);
    expect(findPath(store, added, 'README.md')?.sha).toBe(blob);
    const removed = applyChanges(store, added, [{ path: 'charts/index.yaml', entry: null }]);
    expect(listTree(store, removed, true).map((e) => e.path)).toEqual(['README.md']);
  });
});
