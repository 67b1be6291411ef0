import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exampleChartsDir,
  isolatedHelm,
  sha256File,
  skopeoDigest,
  skopeoListTags,
  skopeoRawManifest,
  startRegistry,
  type IsolatedHelm,
  type RunningRegistry,
} from '../src/index.ts';

const CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';

async function packageChart(helm: IsolatedHelm, chart: string, out: string): Promise<string> {
  await helm.run(['package', join(exampleChartsDir(), chart), '--destination', out]);
  const [tgz] = (await readdir(out)).filter((f) => f.startsWith(chart) && f.endsWith('.tgz'));
  return join(out, tgz!);
}

function pushedDigest(output: { stdout: string; stderr: string }): string {
  // helm prints "Digest:" on stdout in some releases and on stderr in others
  const match = /Digest:\s*(sha256:[a-f0-9]{64})/.exec(`${output.stdout}\n${output.stderr}`);
  if (!match) throw new Error(`no digest in helm push output: ${output.stdout} ${output.stderr}`);
  return match[1]!;
}

describe.each([4, 3] as const)('a chart packaged by helm v%i', (major) => {
  let helm: IsolatedHelm;
  let registry: RunningRegistry;
  let work: string;

  beforeAll(async () => {
    [helm, registry, work] = await Promise.all([isolatedHelm(major), startRegistry(), mkdtemp(join(tmpdir(), 'push-'))]);
  });
  afterAll(async () => {
    await Promise.all([helm?.dispose(), registry?.stop(), rm(work, { recursive: true, force: true })]);
  });

  it('lands in the registry and reads back with skopeo and helm pull', async () => {
    const tgz = await packageChart(helm, 'web-app', work);
    const pushed = pushedDigest(await helm.run(['push', tgz, `oci://${registry.host}/charts`, '--plain-http']));

    const ref = `${registry.host}/charts/web-app:0.3.0`;
    expect(await skopeoDigest(ref)).toBe(pushed);
    expect(await skopeoListTags(`${registry.host}/charts/web-app`)).toEqual(['0.3.0']);
    const manifest = (await skopeoRawManifest(ref)) as { layers: { mediaType: string; digest: string }[] };
    const layer = manifest.layers.find((l) => l.mediaType === CHART_LAYER);
    expect(layer?.digest).toBe(`sha256:${await sha256File(tgz)}`);

    const pulled = await mkdtemp(join(work, 'pulled-'));
    await helm.run(['pull', `oci://${registry.host}/charts/web-app`, '--version', '0.3.0', '--plain-http', '--destination', pulled]);
    expect(await sha256File(join(pulled, 'web-app-0.3.0.tgz'))).toBe(await sha256File(tgz));
    const shown = await helm.run(['show', 'chart', `oci://${registry.host}/charts/web-app`, '--version', '0.3.0', '--plain-http']);
    expect(shown.stdout).toContain('name: web-app');
  });
});

describe('a registry with htpasswd basic auth', () => {
  const credentials = { username: 'publisher', password: 'hunter2-registry-secret' };
  let helm: IsolatedHelm;
  let registry: RunningRegistry;
  let work: string;

  beforeAll(async () => {
    [helm, registry, work] = await Promise.all([isolatedHelm(4), startRegistry({ basicAuth: credentials }), mkdtemp(join(tmpdir(), 'push-auth-'))]);
  });
  afterAll(async () => {
    await Promise.all([helm?.dispose(), registry?.stop(), rm(work, { recursive: true, force: true })]);
  });

  it('refuses an anonymous push and accepts a logged-in one', async () => {
    const tgz = await packageChart(helm, 'common-lib', work);
    await expect(helm.run(['push', tgz, `oci://${registry.host}/charts`, '--plain-http'])).rejects.toThrow(/unauthorized|401|basic credential/i);

    await helm.run(['registry', 'login', registry.host, '--username', credentials.username, '--password', credentials.password, '--plain-http']);
    const pushed = pushedDigest(await helm.run(['push', tgz, `oci://${registry.host}/charts`, '--plain-http']));

    const creds = `${credentials.username}:${credentials.password}`;
    expect(await skopeoDigest(`${registry.host}/charts/common-lib:1.0.0`, { creds })).toBe(pushed);
    await expect(skopeoDigest(`${registry.host}/charts/common-lib:1.0.0`)).rejects.toThrow(/unauthorized|authentication required/i);
    const pulled = await mkdtemp(join(work, 'pulled-'));
    await helm.run(['pull', `oci://${registry.host}/charts/common-lib`, '--version', '1.0.0', '--plain-http', '--destination', pulled]);
    expect(await sha256File(join(pulled, 'common-lib-1.0.0.tgz'))).toBe(await sha256File(tgz));
  });
});
