import { join } from 'node:path';
import { clearSecrets, memoryLogger } from '@chart-release/core';
import {
  isolatedHelm,
  skopeoDigest,
  skopeoListTags,
  startFaultProxy,
  startRegistry,
  type IsolatedHelm,
  type RunningFaultProxy,
  type RunningRegistry,
} from '@chart-release/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageChart, pushChart, RegistryClient, type PackagedChart } from '../src/index.ts';
import { chartWorkspace, generatedChart } from './fixtures.ts';

// small backoff keeps the suite fast; the policy's bounds are what is under test, not its production delays
const FAST_RETRY = { retries: 8, minTimeoutMs: 2, maxTimeoutMs: 20, maxRetryTimeMs: 30_000 };

describe('pushing through a registry that fails 30% of requests', () => {
  let helm: IsolatedHelm;
  let registry: RunningRegistry;
  let proxy: RunningFaultProxy;
  let ws: Awaited<ReturnType<typeof chartWorkspace>>;
  const charts: PackagedChart[] = [];

  beforeAll(async () => {
    [helm, registry, ws] = await Promise.all([isolatedHelm(4), startRegistry(), chartWorkspace()]);
    proxy = await startFaultProxy({ target: registry.url, faults: { rate: 0.3, kinds: ['503', '429', 'reset'], seed: 20260101 } });
    for (const name of ['alpha', 'beta', 'gamma', 'delta']) {
      const dir = await generatedChart(ws.dir, { name, version: '2.0.1', docs: true });
      charts.push(await packageChart({ chartDir: dir, destination: ws.out, helm }));
    }
  });
  afterAll(async () => {
    await Promise.all([proxy?.stop(), helm?.dispose(), registry?.stop(), ws?.dispose()]);
  });

  it('lands every chart exactly once with the right digest, logging each retry with its cause', async () => {
    const logger = memoryLogger();
    const client = new RegistryClient({ registry: proxy.host, plainHttp: true, retry: FAST_RETRY, logger });
    const results = [];
    for (const chart of charts) results.push(await pushChart({ tgz: chart.tgz, registry: `oci://${proxy.host}/charts`, client, mode: 'native', logger }));

    expect(proxy.stats.faults['503']).toBeGreaterThan(0);
    expect(proxy.stats.faults['429']).toBeGreaterThan(0);
    expect(proxy.stats.faults.reset).toBeGreaterThan(0);
    for (const [i, chart] of charts.entries()) {
      expect(results[i]).toMatchObject({ chart: chart.name, status: 'pushed', layerDigest: `sha256:${chart.sha256}` });
      // read directly from the registry, past the proxy
      expect(await skopeoListTags(`${registry.host}/charts/${chart.name}`)).toEqual(['2.0.1']);
      expect(await skopeoDigest(`${registry.host}/charts/${chart.name}:2.0.1`)).toBe(results[i]!.digest);
    }
    const retries = logger.lines.filter((l) => l.includes('retrying in'));
    expect(retries.some((l) => l.includes('HTTP 503'))).toBe(true);
    expect(retries.some((l) => l.includes('HTTP 429'))).toBe(true);
    expect(retries.some((l) => /ECONNRESET|UND_ERR_SOCKET|UND_ERR_CLOSED|EPIPE|ECONNABORTED/.test(l))).toBe(true);

    // and a re-run through the same faults changes nothing
    const again = [];
    for (const chart of charts) again.push(await pushChart({ tgz: chart.tgz, registry: `oci://${proxy.host}/charts`, client, mode: 'native' }));
    expect(again.map((r) => [r.status, r.digest])).toEqual(results.map((r) => ['exists', r.digest]));
  });

  it('gives up on a registry that keeps failing, after the bounded number of attempts', async () => {
    proxy.setFaults({ rate: 1, kinds: ['503'], maxConsecutive: Number.POSITIVE_INFINITY });
    try {
      const client = new RegistryClient({ registry: proxy.host, plainHttp: true, retry: { ...FAST_RETRY, retries: 3 } });
      const before = proxy.stats.requests;
      const error = await client.checkManifest('charts/alpha', '2.0.1').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'REGISTRY_UNAVAILABLE', details: { attempts: 4, cause: 'HTTP 503' } });
      expect(proxy.stats.requests - before).toBe(4);
    } finally {
      proxy.setFaults(undefined);
    }
  });

  it('helm push is retried on the transient failures helm reports', async () => {
    // helm push makes a dozen requests and starts over on a failure it does not retry itself (helm v4 retries 5xx,
    // not resets): reset every other manifest upload, so the first helm push fails for sure and a later one lands
    proxy.setFaults({ rate: 1, kinds: ['reset'], maxConsecutive: 1, only: /^PUT .*\/manifests\// });
    const dir = await generatedChart(ws.dir, { name: 'via-helm', version: '0.1.0' });
    const pkg = await packageChart({ chartDir: dir, destination: join(ws.out, 'helm'), helm });
    const logger = memoryLogger();
    const client = new RegistryClient({ registry: proxy.host, plainHttp: true, retry: { ...FAST_RETRY, retries: 12 }, logger });
    const result = await pushChart({
      tgz: pkg.tgz,
      registry: `oci://${proxy.host}/charts`,
      client,
      mode: 'helm',
      helm: { ...helm, flags: { plainHttp: true } },
      logger,
    });
    expect(result.status).toBe('pushed');
    expect(logger.lines.some((l) => l.startsWith('helm push via-helm 0.1.0: helm:') && l.includes('retrying in'))).toBe(true);
    expect(await skopeoDigest(`${registry.host}/charts/via-helm:0.1.0`)).toBe(result.digest);
  });
});

describe('a registry that refuses the credentials', () => {
  const credentials = { username: 'publisher', password: 'Sup3r-s3cret-registry-pw' };
  let registry: RunningRegistry;
  let proxy: RunningFaultProxy;
  let helm: IsolatedHelm;
  let ws: Awaited<ReturnType<typeof chartWorkspace>>;
  let tgz: string;

  beforeAll(async () => {
    [helm, registry, ws] = await Promise.all([isolatedHelm(4), startRegistry({ basicAuth: credentials }), chartWorkspace()]);
    proxy = await startFaultProxy({ target: registry.url });
    tgz = (await packageChart({ chartDir: join(ws.charts, 'web-app'), destination: ws.out, helm })).tgz;
  });
  afterAll(async () => {
    await Promise.all([proxy?.stop(), helm?.dispose(), registry?.stop(), ws?.dispose()]);
  });

  it('fails fast with an auth error that contains no secret', async () => {
    const wrong = { username: 'publisher', password: 'wrong-but-still-a-secret-7781' };
    const logger = memoryLogger();
    const client = new RegistryClient({ registry: proxy.host, plainHttp: true, credentials: wrong, retry: FAST_RETRY, logger });
    const before = proxy.stats.requests;
    const error = (await pushChart({ tgz, registry: `oci://${proxy.host}/charts`, client, mode: 'native', logger }).catch((e: unknown) => e)) as Error & {
      code: string;
      hint: string;
      toJSON(): unknown;
    };

    expect(error.code).toBe('REGISTRY_AUTH_FAILED');
    expect(error.message).toContain(`refused access to repository 'charts/web-app' as user 'publisher' (HTTP 401)`);
    // one anonymous probe, one answer to the challenge: no retries
    expect(proxy.stats.requests - before).toBe(2);
    clearSecrets(); // what is asserted is the error text itself, not redaction done after the fact
    const everything = [error.message, error.hint, JSON.stringify(error.toJSON()), ...logger.lines].join('\n');
    for (const secret of [
      wrong.password,
      Buffer.from(wrong.password).toString('base64'),
      Buffer.from(`${wrong.username}:${wrong.password}`).toString('base64'),
    ]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('fails fast on a permanent 401 from anything in front of the registry', async () => {
    proxy.setFaults({ rate: 1, kinds: ['401'], maxConsecutive: Number.POSITIVE_INFINITY });
    try {
      const client = new RegistryClient({ registry: proxy.host, plainHttp: true, credentials, retry: FAST_RETRY });
      const before = proxy.stats.requests;
      await expect(client.checkManifest('charts/web-app', '0.3.0')).rejects.toMatchObject({ code: 'REGISTRY_AUTH_FAILED' });
      expect(proxy.stats.requests - before).toBe(2);
    } finally {
      proxy.setFaults(undefined);
    }
  });

  it('pushes with the right credentials, through helm and natively', async () => {
    const client = new RegistryClient({ registry: registry.host, plainHttp: true, credentials });
    const viaHelm = await pushChart({
      tgz,
      registry: `oci://${registry.host}/helm`,
      client,
      mode: 'helm',
      helm: { ...helm, flags: { plainHttp: true }, credentials },
    });
    const native = await pushChart({ tgz, registry: `oci://${registry.host}/native`, client, mode: 'native' });
    expect([viaHelm.status, native.status]).toEqual(['pushed', 'pushed']);
    expect(native.digest).toBe(viaHelm.digest);
    expect(await skopeoDigest(`${registry.host}/native/web-app:0.3.0`, { creds: `${credentials.username}:${credentials.password}` })).toBe(native.digest);
    const anonymous = new RegistryClient({ registry: registry.host, plainHttp: true });
    await expect(anonymous.checkManifest('native/web-app', '0.3.0')).rejects.toMatchObject({ code: 'REGISTRY_AUTH_FAILED' });
  });
});
