import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedHelm, startChartRepository, type IsolatedHelm, type RunningChartRepository } from '../src/index.ts';

describe('a Helm chart repository from the test kit', () => {
  let helm: IsolatedHelm;
  let open: RunningChartRepository;
  let locked: RunningChartRepository;
  let work: string;

  beforeAll(async () => {
    helm = await isolatedHelm(4);
    [open, locked, work] = await Promise.all([
      startChartRepository({
        helm,
        charts: [
          { name: 'common', version: '1.2.0', type: 'library' },
          { name: 'redis', version: '17.0.1' },
        ],
      }),
      startChartRepository({ helm, charts: [{ name: 'secret', version: '0.1.0' }], auth: { username: 'ci', password: 's3cret' } }),
      mkdtemp(join(tmpdir(), 'chart-repo-test-')),
    ]);
  });
  afterAll(async () => {
    await Promise.all([open?.stop(), locked?.stop(), rm(work, { recursive: true, force: true })]);
    await helm?.dispose();
  });

  it('serves an index and archives that helm repo add and helm pull read, and logs the downloads', async () => {
    await helm.run(['repo', 'add', 'open', open.url]);
    const search = await helm.run(['search', 'repo', 'open/', '--versions']);
    expect(search.stdout).toContain('open/redis');
    expect(search.stdout).toContain('open/common');
    await helm.run(['pull', 'open/redis', '--version', '17.0.1', '--destination', work]);
    expect(await readdir(work)).toContain('redis-17.0.1.tgz');
    expect(open.downloads('redis', '17.0.1')).toBe(1);
    expect(open.downloads('common')).toBe(0);
    await open.add([{ name: 'redis', version: '17.1.0' }]);
    await helm.run(['repo', 'update', 'open']);
    expect((await helm.run(['search', 'repo', 'open/redis', '--versions'])).stdout).toContain('17.1.0');
  });

  it('asks for basic auth when started with credentials', async () => {
    await expect(helm.run(['repo', 'add', 'locked', locked.url])).rejects.toThrow(/401|unauthori[sz]ed/i);
    await helm.run(['repo', 'add', 'locked', locked.url, '--username', 'ci', '--password', 's3cret']);
    await helm.run(['pull', 'locked/secret', '--destination', work]);
    expect(await readdir(work)).toContain('secret-0.1.0.tgz');
    expect(locked.requests.some((r) => r.status === 401)).toBe(true);
  });
});
