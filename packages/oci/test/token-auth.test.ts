import { join } from 'node:path';
import { clearSecrets, memoryLogger } from '@chart-release/core';
import { isolatedHelm, startRegistry, startTokenServer, type IsolatedHelm, type RunningRegistry, type RunningTokenServer } from '@chart-release/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageChart, pushChart, RegistryClient } from '../src/index.ts';
import { chartWorkspace } from './fixtures.ts';

describe('a registry with Bearer token auth (distribution auth.token)', () => {
  const users = { publisher: 'token-server-pw-4417', reader: 'reader-pw-9921' };
  let tokens: RunningTokenServer;
  let registry: RunningRegistry;
  let helm: IsolatedHelm;
  let helm3: IsolatedHelm;
  let ws: Awaited<ReturnType<typeof chartWorkspace>>;
  let tgz: string;

  beforeAll(async () => {
    tokens = await startTokenServer({
      users,
      anonymousPull: true,
      allow: (user, _repo, actions) => (user === 'reader' ? actions.filter((a) => a === 'pull') : actions),
    });
    [registry, helm, helm3, ws] = await Promise.all([startRegistry({ tokenAuth: tokens }), isolatedHelm(4), isolatedHelm(3), chartWorkspace()]);
    tgz = (await packageChart({ chartDir: join(ws.charts, 'web-app'), destination: ws.out, helm })).tgz;
  });
  afterAll(async () => {
    await Promise.all([registry?.stop(), tokens?.stop(), helm?.dispose(), helm3?.dispose(), ws?.dispose()]);
  });

  it('pushes natively with a scoped token fetched once per repository and action set', async () => {
    const client = new RegistryClient({ registry: registry.host, plainHttp: true, credentials: { username: 'publisher', password: users.publisher } });
    const issuedBefore = tokens.stats.issued;
    const result = await pushChart({ tgz, registry: `oci://${registry.host}/charts`, client, mode: 'native' });

    expect(result.status).toBe('pushed');
    expect(await client.ping()).toEqual({ apiVersion: 'registry/2.0' });
    expect(tokens.stats.scopes).toContain('repository:charts/web-app:pull');
    expect(tokens.stats.scopes).toContain('repository:charts/web-app:pull,push');
    // a pull token for the preflight, a pull+push token for the upload (reads after it reuse it), one for /v2/
    expect(tokens.stats.issued - issuedBefore).toBe(3);
    expect(await client.listTags('charts/web-app')).toEqual(['0.3.0']);
    expect(tokens.stats.issued - issuedBefore).toBe(3);
  });

  it('pushes through helm v4 and reads anonymously with a pull-only token', async () => {
    const client = new RegistryClient({ registry: registry.host, plainHttp: true, credentials: { username: 'publisher', password: users.publisher } });
    const viaHelm = await pushChart({
      tgz,
      registry: `oci://${registry.host}/helm`,
      client,
      mode: 'helm',
      helm: { ...helm, flags: { plainHttp: true }, credentials: { username: 'publisher', password: users.publisher } },
    });
    expect(viaHelm.status).toBe('pushed');

    const anonymous = new RegistryClient({ registry: registry.host, plainHttp: true });
    expect(await anonymous.checkManifest('helm/web-app', '0.3.0')).toMatchObject({ digest: viaHelm.digest });
    await expect(anonymous.checkAuth('helm/web-app', ['pull', 'push'])).rejects.toMatchObject({ code: 'REGISTRY_AUTH_FAILED' });
  });

  it('pushes through helm v3.17 with the same token flow', async () => {
    const client = new RegistryClient({ registry: registry.host, plainHttp: true, credentials: { username: 'publisher', password: users.publisher } });
    const viaHelm3 = await pushChart({
      tgz,
      registry: `oci://${registry.host}/helm3`,
      client,
      mode: 'helm',
      helm: { ...helm3, flags: { plainHttp: true }, credentials: { username: 'publisher', password: users.publisher } },
    });
    expect(viaHelm3.status).toBe('pushed');
    expect(tokens.stats.scopes).toContain('repository:helm3/web-app:pull,push');
    expect(await client.checkManifest('helm3/web-app', '0.3.0')).toMatchObject({ digest: viaHelm3.digest });
  });

  it('pushes with an identity token (OAuth2 refresh token), natively and through helm v4 and v3', async () => {
    const form = new URLSearchParams({
      grant_type: 'password',
      username: 'publisher',
      password: users.publisher,
      service: tokens.service,
      access_type: 'offline',
      client_id: 'test',
    });
    const { refresh_token: identityToken } = (await (await fetch(tokens.realm, { method: 'POST', body: form })).json()) as { refresh_token: string };
    const client = new RegistryClient({ registry: registry.host, plainHttp: true, credentials: { identityToken } });
    const native = await pushChart({ tgz, registry: `oci://${registry.host}/sso`, client, mode: 'native' });
    expect(native.status).toBe('pushed');
    expect(tokens.stats.scopes).toContain('repository:sso/web-app:pull,push');
    for (const [major, h] of [
      [4, helm],
      [3, helm3],
    ] as const) {
      const viaHelm = await pushChart({
        tgz,
        registry: `oci://${registry.host}/sso-helm${major}`,
        client,
        mode: 'helm',
        helm: { ...h, flags: { plainHttp: true }, credentials: { identityToken } },
      });
      expect(viaHelm.status, `helm v${major}`).toBe('pushed');
    }
    const refused = new RegistryClient({ registry: registry.host, plainHttp: true, credentials: { identityToken: 'not-a-refresh-token' } });
    await expect(refused.checkAuth('sso/web-app', ['pull', 'push'])).rejects.toMatchObject({
      code: 'REGISTRY_AUTH_FAILED',
      message: expect.stringContaining('with an identity token'),
    });
  });

  it('a user without push rights fails preflight with an auth error, before any upload', async () => {
    const reader = new RegistryClient({ registry: registry.host, plainHttp: true, credentials: { username: 'reader', password: users.reader } });
    await reader.checkAuth('charts/web-app', ['pull']);
    const error = (await reader.checkAuth('charts/web-app', ['pull', 'push']).catch((e: unknown) => e)) as Error & { code: string };
    expect(error.code).toBe('REGISTRY_AUTH_FAILED');
    expect(error.message).toContain("as user 'reader'");
  });

  it('wrong credentials fail at the token endpoint with no secret in the error', async () => {
    const password = 'not-the-right-one-5531';
    const logger = memoryLogger();
    const client = new RegistryClient({ registry: registry.host, plainHttp: true, credentials: { username: 'publisher', password }, logger });
    const refusedBefore = tokens.stats.refused;
    const error = (await pushChart({ tgz, registry: `oci://${registry.host}/charts`, client, mode: 'native', logger }).catch((e: unknown) => e)) as Error & {
      code: string;
      toJSON(): unknown;
    };

    expect(error.code).toBe('REGISTRY_AUTH_FAILED');
    expect(error.message).toMatch(/token endpoint refused/);
    expect(tokens.stats.refused - refusedBefore).toBe(1);
    clearSecrets();
    const text = [error.message, JSON.stringify(error.toJSON()), ...logger.lines].join('\n');
    for (const secret of [password, Buffer.from(password).toString('base64'), Buffer.from(`publisher:${password}`).toString('base64')])
      expect(text).not.toContain(secret);
  });
});
