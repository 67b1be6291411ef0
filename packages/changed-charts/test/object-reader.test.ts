import { afterEach, describe, expect, it } from 'vitest';
import { GitRepo } from '@chart-release/testkit';
import { ObjectReader } from '../src/object-reader.ts';

const repos: GitRepo[] = [];
afterEach(async () => {
  await Promise.all(repos.splice(0).map((r) => r.dispose()));
});

describe('ObjectReader', () => {
  it('answers batches in order, streams with each(), and keeps going after a visitor fails', async () => {
    const repo = await GitRepo.create();
    repos.push(repo);
    await repo.write('a.txt', 'alpha\n');
    await repo.write('b.txt', 'beta\n');
    const head = await repo.commit('two files');
    const objects = new ObjectReader(repo.dir);
    try {
      const seen: string[] = [];
      const streamed = objects.each('contents', [`${head}:a.txt`, `${head}:missing`, `${head}:b.txt`], (i, object) =>
        seen.push(`${i}:${object?.data?.toString().trim() ?? 'missing'}`),
      );
      const failing = objects.each('contents', [`${head}:a.txt`, `${head}:b.txt`], () => {
        throw new Error('visitor failed');
      });
      const after = objects.info([head, `${head}:b.txt`]);
      await streamed;
      expect(seen).toEqual(['0:alpha', '1:missing', '2:beta']);
      await expect(failing).rejects.toThrow('visitor failed');
      const [commit, blob] = await after;
      expect(commit).toMatchObject({ sha: head, type: 'commit' });
      expect(blob).toMatchObject({ type: 'blob' });
      expect(blob!.data).toBeUndefined();
    } finally {
      await objects.close();
    }
  });

  it('rejects every question with NOT_A_GIT_REPOSITORY outside a repository', async () => {
    const objects = new ObjectReader('/');
    await expect(objects.info(['HEAD'])).rejects.toMatchObject({ code: 'NOT_A_GIT_REPOSITORY' });
    await objects.close();
  });
});
