import { mkdtemp, appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { memoryLogger } from '@chart-release/core';
import {
  isolatedHelm,
  sha256File,
  skopeoDigest,
  skopeoListTags,
  skopeoRawManifest,
  startRegistry,
  type IsolatedHelm,
  type RunningRegistry,
} from '@chart-release/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HELM_CHART_LAYER, packageChart, pushChart, RegistryClient, type PushResult } from '../src/index.ts';
import { chartWorkspace } from './fixtures.ts';

describe.each([4, 3] as const)('helm v%i push through pushChart', (major) => {
  let helm: IsolatedHelm;
  let registry: RunningRegistry;
  let ws: Awaited<ReturnType<typeof chartWorkspace>>;
  let client: RegistryClient;
  let first: PushResult;
  const namespace = () => `oci://${registry.host}/charts`;

  beforeAll(async () => {
    [helm, registry, ws] = await Promise.all([isolatedHelm(major), startRegistry(), chartWorkspace()]);
    client = new RegistryClient({ registry: registry.host, plainHttp: true, logger: memoryLogger() });
  });
  afterAll(async () => {
    await Promise.all([helm?.dispose(), registry?.stop(), ws?.dispose()]);
  });

  it('pushes a chart with a file:// dependency that skopeo and helm pull read back', async () => {
    const pkg = await packageChart({ chartDir: join(ws.charts, 'api-service'), destination: join(ws.out, 'a'), helm });
    expect(pkg).toMatchObject({ name: 'api-service', version: '1.4.0' });
    first = await pushChart({ tgz: pkg.tgz, registry: namespace(), client, mode: 'helm', helm: { ...helm, flags: { plainHttp: true } } });

    expect(first).toMatchObject({
      status: 'pushed',
      repository: 'charts/api-service',
      tag: '1.4.0',
      ref: `oci://${registry.host}/charts/api-service:1.4.0`,
      layerDigest: `sha256:${pkg.sha256}`,
    });
    const ref = `${registry.host}/charts/api-service:1.4.0`;
    expect(await skopeoDigest(ref)).toBe(first.digest);
    const manifest = (await skopeoRawManifest(ref)) as { mediaType?: string; layers: { mediaType: string; digest: string }[] };
    expect(manifest.mediaType).toBeUndefined();
    expect(manifest.layers.find((l) => l.mediaType === HELM_CHART_LAYER)?.digest).toBe(`sha256:${pkg.sha256}`);

    const pulled = await mkdtemp(join(ws.dir, 'pulled-'));
    await helm.run(['pull', `oci://${registry.host}/charts/api-service`, '--version', '1.4.0', '--plain-http', '--destination', pulled]);
    expect(await sha256File(join(pulled, 'api-service-1.4.0.tgz'))).toBe(pkg.sha256);
    const shown = await helm.run(['show', 'chart', `oci://${registry.host}/charts/api-service`, '--version', '1.4.0', '--plain-http']);
    expect(shown.stdout).toContain('name: api-service');
    expect(shown.stdout).toContain('common-lib');
  });

  it('re-packaging and re-pushing the same version is a no-op that returns the same digest', async () => {
    const again = await packageChart({ chartDir: join(ws.charts, 'api-service'), destination: join(ws.out, 'b'), helm });
    const second = await pushChart({ tgz: again.tgz, registry: namespace(), client, mode: 'helm', helm: { ...helm, flags: { plainHttp: true } } });

    expect(second.status).toBe('exists');
    expect(second.digest).toBe(first.digest);
    expect(second.layerDigest).toBe(first.layerDigest);
    // helm v4 archives are reproducible; helm v3 stamps the packaging time, so there only the files inside match
    expect(second.archiveMatches).toBe(`sha256:${again.sha256}` === first.layerDigest);
    if (major === 4) expect(second.archiveMatches).toBe(true);
    expect(await skopeoDigest(`${registry.host}/charts/api-service:1.4.0`)).toBe(first.digest);
    expect(await skopeoListTags(`${registry.host}/charts/api-service`)).toEqual(['1.4.0']);
  });

  it('refuses different content under a released version before writing anything', async () => {
    await appendFile(join(ws.charts, 'api-service', 'values.yaml'), '\nextra: changed\n');
    const changed = await packageChart({ chartDir: join(ws.charts, 'api-service'), destination: join(ws.out, 'c'), helm });

    const error = await pushChart({ tgz: changed.tgz, registry: namespace(), client, mode: 'helm', helm: { ...helm, flags: { plainHttp: true } } }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'IMMUTABLE_TAG', chart: 'api-service' });
    const message = (error as Error).message;
    expect(message).toContain('api-service 1.4.0');
    expect(message).toContain(first.digest);
    expect(message).toContain(`sha256:${changed.sha256}`);
    expect(message).toContain('values.yaml');
    expect((error as { hint: string }).hint).toMatch(/bump `version`/);

    expect(await client.hasBlob('charts/api-service', `sha256:${changed.sha256}`)).toBe(false);
    expect(await skopeoDigest(`${registry.host}/charts/api-service:1.4.0`)).toBe(first.digest);
  });
});
