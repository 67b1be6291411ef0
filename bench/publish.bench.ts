#!/usr/bin/env node
// Benchmark: publishing 50 charts through a proxy adding 50 ms to every registry request, against the seed-style
// baseline run in this same script: a sequential `helm package` + `helm push` loop over the same charts through the
// same proxy.
//   1. registry publishing, the work the baseline does: chart-release's own package and push steps (reproducible
//      packages, native push with read-back verification, bounded concurrency). Target: at least 5x faster.
//   2. the whole `chart-release publish` (lint, preflight, signatures, lineage, 50 GitHub releases against the
//      emulator), as a separate process running the built CLI, as installed from npm or by the Action: its time, and
//      its peak memory. Target: under 150 MB. GitHub asks for writes to be paced, so its time is dominated by the
//      release uploads, not by the registry. (Run from source instead, Node's type stripping adds some 30 MB; the
//      startup figures of both are printed.)
//   3. the same publish again, which has nothing to do: its time against the first run's. Target: at most 0.1x.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { createLogger } from '@chart-release/core';
import { buildReleasePlan, createPublishPipeline, loadConfig, runBounded, type Stage } from '@chart-release/atomic-release-publishing';
import { startReleaseSandbox, writeChart } from '@chart-release/testkit';

const CHARTS = Number(process.env.BENCH_CHARTS ?? 50);
const LATENCY_MS = 50;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sourceCli = join(root, 'apps/atomic-release-publishing/src/cli.ts');
const builtCli = join(root, 'apps/atomic-release-publishing/dist/cli.js');
// the CLI as users run it: compiled (nx builds its packages first; cached when nothing changed)
await execa('npx', ['nx', 'run', 'atomic-release-publishing:build', '--output-style=static'], {
  cwd: root,
  stdio: 'ignore',
  env: { ...process.env, NX_DAEMON: 'false' },
});
/** Peak resident memory (VmHWM) of a process, in MB, sampled every 25 ms until it exits. */
async function peakMemory(child: ReturnType<typeof execa>): Promise<number> {
  let peakKb = 0;
  const poll = setInterval(async () => {
    const status = await readFile(`/proc/${child.pid}/status`, 'utf8').catch(() => '');
    peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
  }, 25);
  await child.catch(() => {});
  clearInterval(poll);
  return peakKb / 1024;
}
const startup = {
  built: await peakMemory(execa(process.execPath, [builtCli, '--help'], { reject: false })),
  source: await peakMemory(execa(process.execPath, ['--conditions=@chart-release/source', sourceCli, '--help'], { reject: false })),
};

const source = await mkdtemp(join(tmpdir(), 'bench-charts-'));
const names = Array.from({ length: CHARTS }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
for (const name of names) await writeChart(join(source, name), { name, version: '1.0.0', docs: true });
const sandbox = await startReleaseSandbox({ sourceDir: source, charts: names, registryFaults: { latencyMs: LATENCY_MS } });

try {
  // baseline: what a hand-written release loop does
  const baselineOut = await mkdtemp(join(tmpdir(), 'bench-baseline-'));
  const t0 = performance.now();
  for (const name of names) {
    await execa(sandbox.helm.binary, ['package', join(sandbox.repo.dir, 'charts', name), '--destination', baselineOut], { env: sandbox.helm.env });
    await execa(sandbox.helm.binary, ['push', join(baselineOut, `${name}-1.0.0.tgz`), `oci://${sandbox.registryHost}/baseline`, '--plain-http'], {
      env: sandbox.helm.env,
    });
  }
  const baseline = performance.now() - t0;
  await rm(baselineOut, { recursive: true, force: true });

  // 1. chart-release's package + push steps, in this process
  const config = loadConfig({
    cwd: sandbox.repo.dir,
    env: sandbox.env,
    flags: { pushMode: 'native', concurrency: 32, workDir: join(sandbox.repo.dir, '.bench') },
  });
  const silent = createLogger({ level: 'error', write: () => {} });
  const pipeline = createPublishPipeline(config, { env: sandbox.env, logger: silent });
  const packageStage = pipeline.stages.find((s) => s.name === 'packaged') as Stage<'packaged'>;
  const pushStage = pipeline.stages.find((s) => s.name === 'pushed') as Stage<'pushed'>;
  const tr = performance.now();
  const plan = buildReleasePlan(await pipeline.detect(), config);
  const pushed = await runBounded(plan.charts, config.concurrency, async (chart) => {
    const ctx = { plan, log: silent };
    const packaged = await packageStage.run!(chart, {}, ctx);
    return pushStage.run!(chart, { packaged }, ctx);
  });
  const registryTime = performance.now() - tr;
  if (pushed.some((p) => p.status !== 'fulfilled')) throw new Error('registry publishing failed');
  await rm(join(sandbox.repo.dir, '.bench'), { recursive: true, force: true });

  // 2. the whole chart-release publish: package, lint, push, sign, lineage, 50 GitHub releases
  const t1 = performance.now();
  const child = execa(process.execPath, [builtCli, 'publish', '--json', '--concurrency', '16', '--push-mode', 'native'], {
    cwd: sandbox.repo.dir,
    env: sandbox.env,
    reject: false,
  });
  const peakMb = await peakMemory(child);
  const result = await child;
  const publish = performance.now() - t1;
  if (result.exitCode !== 0) throw new Error(`publish failed:\n${result.stderr}`);
  const report = JSON.parse(result.stdout) as { charts: { status: string }[] };
  const published = report.charts.filter((c) => c.status === 'published').length;

  // 3. the same publish again: nothing to do, so it should cost only the reads that prove it
  const t2 = performance.now();
  const again = await execa(process.execPath, [builtCli, 'publish', '--json', '--concurrency', '16', '--push-mode', 'native'], {
    cwd: sandbox.repo.dir,
    env: sandbox.env,
    reject: false,
  });
  const rerun = performance.now() - t2;
  if (again.exitCode !== 0) throw new Error(`the re-run failed:\n${again.stderr}`);
  const rerunRatio = rerun / publish;

  const ratio = baseline / registryTime;
  console.log(`publish: ${CHARTS} charts, ${LATENCY_MS} ms per registry request`);
  console.log(`  baseline (sequential helm package + helm push):          ${(baseline / 1000).toFixed(1)} s`);
  console.log(`  chart-release package + push (verified, concurrency 32):  ${(registryTime / 1000).toFixed(1)} s`);
  console.log(
    `  chart-release publish, whole (${published} signed and released):  ${(publish / 1000).toFixed(1)} s (${(baseline / publish).toFixed(2)}x the baseline)`,
  );
  console.log(`publish: registry publishing ${ratio.toFixed(2)}x faster than the baseline (target >= 5x) ${ratio >= 5 ? 'OK' : 'BELOW TARGET'}`);
  console.log(`publish: peak memory of chart-release publish ${peakMb.toFixed(0)} MB (target < 150 MB) ${peakMb < 150 ? 'OK' : 'ABOVE TARGET'}`);
  console.log(
    `publish: a no-op re-run took ${(rerun / 1000).toFixed(1)} s = ${rerunRatio.toFixed(2)}x the first run (target <= 0.1x) ${rerunRatio <= 0.1 ? 'OK' : 'ABOVE TARGET'}`,
  );
  console.log(`publish: startup (--help) ${startup.built.toFixed(0)} MB built, ${startup.source.toFixed(0)} MB from source with type stripping`);
} finally {
  await sandbox.stop();
  await rm(source, { recursive: true, force: true });
}
