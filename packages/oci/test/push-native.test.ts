import { appendFile, mkdtemp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OCI_INDEX, OCI_MANIFEST, packageChart, pushChart, referrersTag, RegistryClient } from '../src/index.ts';
import { chartWorkspace, generatedChart } from './fixtures.ts';

const cli = resolve(fileURLToPath(import.meta.url), '../../src/cli.ts');

describe('native push, re-tag, tags and referrers against distribution', () => {
  let helm4: IsolatedHelm;
  let helm3: IsolatedHelm;
  let registry: RunningRegistry;
  let ws: Awaited<ReturnType<typeof chartWorkspace>>;
  let client: RegistryClient;

  beforeAll(async () => {
    [helm4, helm3, registry, ws] = await Promise.all([isolatedHelm(4), isolatedHelm(3), startRegistry(), chartWorkspace()]);
    client = new RegistryClient({ registry: registry.host, plainHttp: true, logger: memoryLogger() });
  });
  afterAll(async () => {
    await Promise.all([helm4?.dispose(), helm3?.dispose(), registry?.stop(), ws?.dispose()]);
  });

  it('writes the same manifest bytes as helm push, readable by helm v4 and v3', async () => {
    const pkg = await packageChart({ chartDir: join(ws.charts, 'web-app'), destination: ws.out, helm: helm4 });
    const native = await pushChart({ tgz: pkg.tgz, registry: `oci://${registry.host}/native`, client, mode: 'native' });
    const viaHelm = await pushChart({
      tgz: pkg.tgz,
      registry: `oci://${registry.host}/helm`,
      client,
      mode: 'helm',
      helm: { ...helm4, flags: { plainHttp: true } },
    });

    expect(native.status).toBe('pushed');
    expect(native.digest).toBe(viaHelm.digest);
    expect(await skopeoDigest(`${registry.host}/native/web-app:0.3.0`)).toBe(native.digest);
    for (const helm of [helm4, helm3]) {
      const pulled = await mkdtemp(join(ws.dir, `pulled-v${helm.major}-`));
      await helm.run(['pull', `oci://${registry.host}/native/web-app`, '--version', '0.3.0', '--plain-http', '--destination', pulled]);
      expect(await sha256File(join(pulled, 'web-app-0.3.0.tgz'))).toBe(pkg.sha256);
      const shown = await helm.run(['show', 'chart', `oci://${registry.host}/native/web-app`, '--version', '0.3.0', '--plain-http']);
      expect(shown.stdout).toContain('name: web-app');
    }
  });

  it('tags a version with build metadata as helm does (+ becomes _)', async () => {
    const chartDir = await generatedChart(ws.dir, { name: 'build-meta', version: '1.2.3+build.7' });
    const pkg = await packageChart({ chartDir, destination: ws.out, helm: helm4 });
    const result = await pushChart({ tgz: pkg.tgz, registry: `oci://${registry.host}/native`, client, mode: 'native' });
    expect(result.tag).toBe('1.2.3_build.7');
    const shown = await helm4.run(['show', 'chart', `oci://${registry.host}/native/build-meta`, '--version', '1.2.3+build.7', '--plain-http']);
    expect(shown.stdout).toContain('version: 1.2.3+build.7');
  });

  it('re-tags by putting the exact original bytes, keeping the digest', async () => {
    const source = await client.getManifest('native/web-app', '0.3.0');
    expect(source.manifest.mediaType).toBeUndefined();
    const digest = await client.retag('native/web-app', '0.3.0', 'stable');

    expect(digest).toBe(source.digest);
    expect(await skopeoDigest(`${registry.host}/native/web-app:stable`)).toBe(source.digest);
    expect(await client.checkManifest('native/web-app', 'stable')).toMatchObject({ digest: source.digest, mediaType: OCI_MANIFEST });
    expect((await client.getManifest('native/web-app', 'stable')).bytes.equals(source.bytes)).toBe(true);
  });

  it('lists every tag although distribution ignores n and sends no Link header', async () => {
    for (const tag of ['a1', 'a2', 'a3', 'a4']) await client.retag('native/web-app', '0.3.0', tag);
    const tags = await client.listTags('native/web-app', 2);
    expect(tags.sort()).toEqual(['0.3.0', 'a1', 'a2', 'a3', 'a4', 'stable']);
    expect((await skopeoListTags(`${registry.host}/native/web-app`)).sort()).toEqual(tags);
    expect(await client.listTags('native/never-pushed')).toEqual([]);
  });

  it('finds referrers through the sha256-<hex> tag when the registry has no referrers API', async () => {
    const subject = await client.checkManifest('native/web-app', '0.3.0');
    expect(await client.referrers('native/web-app', subject!.digest)).toEqual({ via: 'tag-schema', manifests: [] });
    const signature = { mediaType: OCI_MANIFEST, digest: subject!.digest, size: subject!.size, artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json' };
    const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [signature] }));
    await client.putManifest('native/web-app', referrersTag(subject!.digest), index, OCI_INDEX);

    const found = await client.referrers('native/web-app', subject!.digest, 'application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(found).toEqual({ via: 'tag-schema', manifests: [signature] });
    expect((await client.referrers('native/web-app', subject!.digest, 'application/other')).manifests).toEqual([]);
  });

  it('refuses to delete where the registry does not allow it', async () => {
    await expect(client.deleteTag('native/web-app', 'a4')).rejects.toMatchObject({ code: 'DELETE_NOT_ALLOWED' });
    await expect(client.getManifest('native/web-app', 'no-such-tag')).rejects.toMatchObject({ code: 'MANIFEST_NOT_FOUND' });
  });

  it('chart-push packages and pushes chart folders, then reports them as already there', async () => {
    const args = [
      join(ws.charts, 'common-lib'),
      join(ws.charts, 'api-service'),
      '--registry',
      `oci://${registry.host}/cli`,
      '--plain-http',
      '--helm',
      helm4.binary,
      '--json',
    ];
    const run = (extra: string[]) => execa('node', ['--conditions=@chart-release/source', cli, ...args, ...extra], { env: helm4.env, reject: false });

    const dry = await run(['--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(JSON.parse(dry.stdout).charts.map((c: { status: string }) => c.status)).toEqual(['would-push', 'would-push']);
    expect(await client.listTags('cli/common-lib')).toEqual([]);

    const pushed = await run(['--native']);
    expect(pushed.exitCode, pushed.stderr).toBe(0);
    const charts = JSON.parse(pushed.stdout).charts as { chart: string; status: string; digest: string }[];
    expect(charts.map((c) => [c.chart, c.status])).toEqual([
      ['common-lib', 'pushed'],
      ['api-service', 'pushed'],
    ]);
    expect(await skopeoDigest(`${registry.host}/cli/api-service:1.4.0`)).toBe(charts[1]!.digest);

    const again = await run([]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).charts.map((c: { status: string; digest: string }) => [c.status, c.digest])).toEqual(
      charts.map((c) => ['exists', c.digest]),
    );
    const manifest = (await skopeoRawManifest(`${registry.host}/cli/common-lib:1.0.0`)) as { annotations: Record<string, string> };
    expect(manifest.annotations['org.opencontainers.image.title']).toBe('common-lib');
  });

  it('chart-push reports every changed released version at once and pushes nothing', async () => {
    const fresh = await generatedChart(ws.dir, { name: 'fresh', version: '0.0.1' });
    await appendFile(join(ws.charts, 'common-lib', 'templates', '_names.tpl'), '\n{{/* changed */}}\n');
    await appendFile(join(ws.charts, 'api-service', 'values.yaml'), '\nchanged: true\n');
    const r = await execa(
      'node',
      [
        '--conditions=@chart-release/source',
        cli,
        fresh,
        join(ws.charts, 'common-lib'),
        join(ws.dir, 'missing-chart'),
        join(ws.charts, 'api-service'),
        '--registry',
        `oci://${registry.host}/cli`,
        '--plain-http',
        '--native',
        '--helm',
        helm4.binary,
        '--json',
      ],
      { env: helm4.env, reject: false },
    );

    expect(r.exitCode, r.stdout + r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as { ok: boolean; errors: { code: string; chart?: string }[] };
    expect(report.ok).toBe(false);
    expect(report.errors.map((e) => [e.code, e.chart ?? null])).toEqual([
      ['USAGE', null],
      ['IMMUTABLE_TAG', 'common-lib'],
      ['IMMUTABLE_TAG', 'api-service'],
    ]);
    expect(r.stderr).toContain('3 charts cannot be pushed');
    expect(await client.listTags('cli/fresh')).toEqual([]);
  });
});

describe('deleting on a registry that allows it', () => {
  let registry: RunningRegistry;
  beforeAll(async () => {
    registry = await startRegistry({ allowDelete: true });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('deletes a manifest by digest, and reports tag deletes distribution 2.8 does not support', async () => {
    const client = new RegistryClient({ registry: registry.host, plainHttp: true });
    const config = await client.uploadBlob('scratch/thing', Buffer.from('{}'));
    const manifest = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: { ...config, mediaType: 'application/vnd.oci.empty.v1+json' }, layers: [] }),
    );
    const digest = await client.putManifest('scratch/thing', 'v1', manifest);
    expect(await skopeoDigest(`${registry.host}/scratch/thing:v1`)).toBe(digest);

    await expect(client.deleteTag('scratch/thing', 'v1')).rejects.toMatchObject({ code: 'DELETE_NOT_ALLOWED' });
    await client.deleteManifest('scratch/thing', digest);
    expect(await client.checkManifest('scratch/thing', 'v1')).toBeUndefined();
    await expect(client.deleteManifest('scratch/thing', digest)).rejects.toMatchObject({ code: 'MANIFEST_NOT_FOUND' });
  });
});
