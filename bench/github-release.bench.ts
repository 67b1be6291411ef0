#!/usr/bin/env node
// GitHub requests per chart for a 100-chart release through the GitHub emulator's request log: one listing for the
// run, then per chart one draft, one upload per asset and one publish. Target: at most 2 + assets per chart plus a
// constant. A re-run of the same release is counted too: it should cost the listing alone.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHubEmulator } from '@chart-release/github-emulator';
import { createGitHubClient, ReleasePublisher } from '@chart-release/github-release';
import { planCharts, releaseCharts, releaseSeed } from './release-fixture.ts';

const CHARTS = 100;
const emulator = await startGitHubEmulator({
  strict: true,
  rateLimit: false,
  seed: releaseSeed,
});
const dir = await mkdtemp(join(tmpdir(), 'bench-github-release-'));
try {
  const plans = await planCharts(dir, CHARTS);
  const assetsPerChart = plans[0]!.assets.length;

  const run = async () => {
    // GitHub asks integrations to pace writes one per second; the emulator does not need it
    const octokit = createGitHubClient({ token: emulator.token, baseUrl: emulator.url, throttle: { writeIntervalMs: 0 } });
    const publisher = new ReleasePublisher({ octokit });
    const from = emulator.requests.length;
    const started = performance.now();
    await releaseCharts(publisher, plans);
    const seconds = (performance.now() - started) / 1000;
    const log = emulator.requests.slice(from);
    return { total: log.length, listing: log.filter((r) => r.operationId === 'repos/list-releases').length, seconds };
  };

  const first = await run();
  const perChart = (first.total - first.listing) / CHARTS;
  const target = 2 + assetsPerChart;
  console.log(
    `github-release: ${first.total} requests for ${CHARTS} charts = ${(first.total / CHARTS).toFixed(2)} per chart (target <= 2 + assets per chart + constant = ${target} + constant; measured ${perChart.toFixed(2)} per chart + ${first.listing} listing, ratio to target ${(perChart / target).toFixed(2)}; ${first.seconds.toFixed(1)} s against the emulator without write pacing)`,
  );
  const again = await run();
  console.log(`github-release: re-run of the same ${CHARTS} charts: ${again.total} requests (${again.listing} listing, ${again.total - again.listing} writes)`);
  if (emulator.schemaViolations.length) console.log(`github-release: ${emulator.schemaViolations.length} schema violations in the emulator's responses`);
  process.exitCode = perChart <= target && again.total === again.listing ? 0 : 1;
} finally {
  await emulator.stop();
  await rm(dir, { recursive: true, force: true });
}
