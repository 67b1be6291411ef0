import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isolatedHelm, skopeoDigest, startRegistry, type IsolatedHelm, type RunningRegistry } from '@chart-release/testkit';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartWorkspace } from './fixtures.ts';

const cli = resolve(fileURLToPath(import.meta.url), '../../src/cli.ts');

describe('chart-push with credentials from a docker credential helper', () => {
  const password = 'helper-registry-pw-7310';
  let registry: RunningRegistry;
  let helm: IsolatedHelm;
  let ws: Awaited<ReturnType<typeof chartWorkspace>>;
  let home: string;

  beforeAll(async () => {
    [registry, helm, ws] = await Promise.all([startRegistry({ basicAuth: { username: 'publisher', password } }), isolatedHelm(4), chartWorkspace()]);
    home = await mkdtemp(join(tmpdir(), 'docker-home-'));
    await mkdir(join(home, 'bin'));
    await mkdir(join(home, 'docker'));
    // what `docker login` leaves with a credential helper: the helper's name in config.json, the secret in the helper
    await writeFile(join(home, 'docker', 'config.json'), JSON.stringify({ auths: { [registry.host]: {} }, credHelpers: { [registry.host]: 'test-store' } }));
    await writeFile(
      join(home, 'bin', 'docker-credential-test-store'),
      `#!/bin/sh\n[ "$1" = get ] || exit 2\nread server\n[ "$server" = "${registry.host}" ] || { echo "credentials not found in native keychain"; exit 1; }\necho '{"ServerURL":"'"$server"'","Username":"publisher","Secret":"${password}"}'\n`,
    );
    await chmod(join(home, 'bin', 'docker-credential-test-store'), 0o755);
  });
  afterAll(async () => {
    await Promise.all([registry?.stop(), helm?.dispose(), ws?.dispose(), home && rm(home, { recursive: true, force: true })]);
  });

  it('pushes natively and through helm with the helper credentials, which never reach the output', async () => {
    const env = { ...helm.env, DOCKER_CONFIG: join(home, 'docker'), PATH: `${join(home, 'bin')}:${process.env.PATH}` };
    const run = (repo: string, extra: string[]) =>
      execa(
        'node',
        [
          '--conditions=@chart-release/source',
          cli,
          join(ws.charts, 'web-app'),
          '--registry',
          `oci://${registry.host}/${repo}`,
          '--plain-http',
          '--helm',
          helm.binary,
          '--json',
          ...extra,
        ],
        { env, reject: false, all: true },
      );

    const native = await run('native', ['--native']);
    expect(native.exitCode, native.all).toBe(0);
    const [chart] = JSON.parse(native.stdout).charts as { status: string; digest: string }[];
    expect(chart!.status).toBe('pushed');
    expect(await skopeoDigest(`${registry.host}/native/web-app:0.3.0`, { creds: `publisher:${password}` })).toBe(chart!.digest);

    const viaHelm = await run('helm', []);
    expect(viaHelm.exitCode, viaHelm.all).toBe(0);
    expect(JSON.parse(viaHelm.stdout).charts[0].status).toBe('pushed');
    expect(`${native.all}${viaHelm.all}`).not.toContain(password);

    // without the helper on PATH the registry named in credHelpers is an error naming it, before anything is pushed
    const missing = await execa(
      'node',
      ['--conditions=@chart-release/source', cli, join(ws.charts, 'web-app'), '--registry', `oci://${registry.host}/other`, '--plain-http', '--json'],
      {
        env: { ...helm.env, DOCKER_CONFIG: join(home, 'docker') },
        reject: false,
      },
    );
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('docker-credential-test-store');
    expect(missing.stderr).toContain('CREDENTIAL_HELPER_FAILED');
  });
});
