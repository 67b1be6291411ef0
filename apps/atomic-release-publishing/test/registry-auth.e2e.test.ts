import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedHelm, skopeoDigest, startReleaseSandbox, type IsolatedHelm, type ReleaseSandbox } from '@chart-release/testkit';
import { chartRelease } from './run-cli.ts';

const USER = { username: 'publisher', password: 'registry-pw-6083-secret' };

// helm push is the default push mode: the registry credentials of the run must reach helm, whichever helm major
// runs and whichever way the registry authenticates
describe.each(['htpasswd', 'token'] as const)('publish with helm push to a registry with %s auth', (kind) => {
  let sandbox: ReleaseSandbox;
  let helm3: IsolatedHelm;

  beforeAll(async () => {
    [sandbox, helm3] = await Promise.all([startReleaseSandbox({ charts: ['web-app'], signing: 'none', registryAuth: { ...USER, kind } }), isolatedHelm(3)]);
  });
  afterAll(async () => {
    await Promise.all([sandbox?.stop(), helm3?.dispose()]);
  });

  const expectPublished = async (run: Awaited<ReturnType<typeof chartRelease>>, version: string) => {
    expect(run.exitCode, run.all).toBe(0);
    expect(run.all).not.toContain(USER.password);
    const chart = JSON.parse(run.stdout).charts[0];
    expect(chart).toMatchObject({ name: 'web-app', version, status: 'published', push: 'pushed' });
    if (kind === 'htpasswd') {
      // an independent reader with the same credentials finds the digest the run reported
      expect(await skopeoDigest(`${sandbox.registryHost}/acme/charts/web-app:${version}`, { creds: `${USER.username}:${USER.password}`, insecure: true })).toBe(
        chart.digest,
      );
    }
  };

  it('pushes through helm v4', async () => {
    const run = await chartRelease(['publish', '--push-mode', 'helm', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    await expectPublished(run, '0.3.0');
  });

  it('pushes through helm v3', async () => {
    await sandbox.push('web-app 0.3.1', async (repo) => {
      await repo.write('charts/web-app/Chart.yaml', (await repo.read('charts/web-app/Chart.yaml')).replace(/^version:.*$/m, 'version: 0.3.1'));
    });
    const run = await chartRelease(['publish', '--push-mode', 'helm', '--json'], {
      cwd: sandbox.repo.dir,
      env: { ...sandbox.env, ...helm3.env, HELM_BINARY: helm3.binary },
    });
    await expectPublished(run, '0.3.1');
  });
});
