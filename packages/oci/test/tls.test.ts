import { join } from 'node:path';
import { memoryLogger } from '@chart-release/core';
import { isolatedHelm, sha256File, startRegistry, type IsolatedHelm, type RunningRegistry } from '@chart-release/testkit';
import { mkdtemp } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageChart, pushChart, RegistryClient } from '../src/index.ts';
import { chartWorkspace } from './fixtures.ts';

describe('a registry served over HTTPS by a private CA', () => {
  let helm: IsolatedHelm;
  let registry: RunningRegistry;
  let ws: Awaited<ReturnType<typeof chartWorkspace>>;

  beforeAll(async () => {
    [helm, registry, ws] = await Promise.all([isolatedHelm(4), startRegistry({ tls: true }), chartWorkspace()]);
  });
  afterAll(async () => {
    await Promise.all([helm?.dispose(), registry?.stop(), ws?.dispose()]);
  });

  it('is refused without the CA, with an error that names the certificate problem', async () => {
    const client = new RegistryClient({ registry: registry.host, logger: memoryLogger(), retry: { retries: 0 } });
    await expect(client.ping()).rejects.toThrow(/certificate|self.signed|unable to verify/i);
  });

  it('pushes natively and through helm with --ca-file, and reads back', async () => {
    const client = new RegistryClient({ registry: registry.host, caFile: registry.caFile, logger: memoryLogger() });
    const pkg = await packageChart({ chartDir: join(ws.charts, 'web-app'), destination: ws.out, helm });
    const native = await pushChart({ tgz: pkg.tgz, registry: `oci://${registry.host}/native`, client, mode: 'native' });
    const viaHelm = await pushChart({
      tgz: pkg.tgz,
      registry: `oci://${registry.host}/helm`,
      client,
      mode: 'helm',
      helm: { ...helm, flags: { caFile: registry.caFile } },
    });
    expect(native.status).toBe('pushed');
    expect(viaHelm.digest).toBe(native.digest);
    const pulled = await mkdtemp(join(ws.dir, 'pulled-'));
    await helm.run(['pull', `oci://${registry.host}/native/web-app`, '--version', '0.3.0', '--ca-file', registry.caFile!, '--destination', pulled]);
    expect(await sha256File(join(pulled, 'web-app-0.3.0.tgz'))).toBe(pkg.sha256);
  });

  it('accepts any certificate with insecureSkipTlsVerify', async () => {
    const client = new RegistryClient({ registry: registry.host, insecureSkipTlsVerify: true, logger: memoryLogger() });
    expect(await client.listTags('native/web-app')).toEqual(['0.3.0']);
  });
});
