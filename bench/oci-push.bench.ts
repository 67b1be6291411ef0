#!/usr/bin/env node
// Pushing 10 charts: the native push path against `helm push` (the baseline, run in the same script), and the
// registry requests per chart for a first push and for a re-run (which should only look). Target: native at most
// the time of helm push, and a re-run costing no uploads.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageChart, pushChart, RegistryClient, type PushResult } from '@chart-release/oci';
import { isolatedHelm, startFaultProxy, startRegistry, writeChart } from '@chart-release/testkit';

const CHARTS = 10;
const [registry, helm, dir] = await Promise.all([startRegistry(), isolatedHelm(4), mkdtemp(join(tmpdir(), 'bench-oci-'))]);
const proxy = await startFaultProxy({ target: registry.url });
try {
  const tgzs: string[] = [];
  for (let i = 0; i < CHARTS; i++) {
    const chartDir = join(dir, 'src', `chart-${i}`);
    await writeChart(chartDir, { name: `chart-${i}`, version: '1.0.0', docs: true });
    tgzs.push((await packageChart({ chartDir, destination: join(dir, 'out'), helm })).tgz);
  }
  const client = new RegistryClient({ registry: proxy.host, plainHttp: true });
  const pushAll = async (namespace: string, mode: 'helm' | 'native') => {
    const from = proxy.stats.requests;
    const started = performance.now();
    const results: PushResult[] = [];
    for (const tgz of tgzs)
      results.push(await pushChart({ tgz, registry: `oci://${proxy.host}/${namespace}`, client, mode, helm: { ...helm, flags: { plainHttp: true } } }));
    return { seconds: (performance.now() - started) / 1000, requests: (proxy.stats.requests - from) / CHARTS, results };
  };

  const viaHelm = await pushAll('helm', 'helm');
  const native = await pushAll('native', 'native');
  const rerun = await pushAll('native', 'native');
  const sameDigests = native.results.every((r, i) => r.digest === viaHelm.results[i]!.digest);
  console.log(
    `oci-push: helm push ${viaHelm.seconds.toFixed(2)} s, native ${native.seconds.toFixed(2)} s for ${CHARTS} charts: ratio native/helm ${(native.seconds / viaHelm.seconds).toFixed(2)} (target <= 1.00)`,
  );
  console.log(
    `oci-push: requests per chart: helm mode ${viaHelm.requests.toFixed(1)} (our checks + helm), native ${native.requests.toFixed(1)}, re-run ${rerun.requests.toFixed(1)} (${rerun.results.every((r) => r.status === 'exists') ? 'all exist' : 'PUSHED AGAIN'})`,
  );
  console.log(`oci-push: native and helm manifests ${sameDigests ? 'have the same digests' : 'DIFFER'}`);
  process.exitCode = sameDigests && rerun.results.every((r) => r.status === 'exists') ? 0 : 1;
} finally {
  await proxy.stop();
  await Promise.all([registry.stop(), helm.dispose(), rm(dir, { recursive: true, force: true })]);
}
