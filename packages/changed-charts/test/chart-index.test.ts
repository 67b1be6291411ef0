import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GitRepo } from '@chart-release/testkit';
import { chartIndexFile } from '../src/chart-index.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.splice(0).map((f) => f()));
});

describe('chartIndexFile', () => {
  it('is in the git folder of the clone, from any folder of it, and shared by its worktrees', async () => {
    const repo = await GitRepo.create();
    cleanup.push(() => repo.dispose());
    await repo.write('charts/a/Chart.yaml', 'apiVersion: v2\nname: a\nversion: 1.0.0\n');
    await repo.commit('a');
    const expected = join(repo.dir, '.git', 'chart-release', 'chart-index.json');
    expect(chartIndexFile(repo.dir, {})).toBe(expected);
    expect(chartIndexFile(join(repo.dir, 'charts', 'a'), {})).toBe(expected);

    const worktree = join(await mkdtemp(join(tmpdir(), 'worktree-')), 'wt');
    cleanup.push(() => rm(worktree, { recursive: true, force: true }));
    await repo.git('worktree', 'add', '-q', worktree);
    expect(chartIndexFile(join(worktree, 'charts'), {})).toBe(expected);
  });

  it('follows GIT_DIR, and is undefined outside a repository', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'no-repo-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    expect(chartIndexFile(dir, { GIT_DIR: 'elsewhere.git' })).toBe(join(dir, 'elsewhere.git', 'chart-release', 'chart-index.json'));
    expect(chartIndexFile('/', {})).toBeUndefined();
  });
});
