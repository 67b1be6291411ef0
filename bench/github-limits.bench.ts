#!/usr/bin/env node
// A 300-chart first release (a draft, its assets and the publish per chart) against the GitHub emulator enforcing
// GitHub's secondary limits (80 writes a minute, 500 an hour), with the limit windows time-scaled so that hours pass
// in seconds, and the client's write budget on the same time scale. Targets: zero secondary-limit answers, and a
// wall time within 1.1x of the minimum the budget allows for that many writes (writeBudgetDuration, scaled), the
// baseline. The time scale shortens the budget's second between writes too, but not the requests: at 200x a
// scaled second is 5 ms, so what a request costs here shows in the last hour's writes. The writes of 50 charts
// without any pacing, against an emulator without limits, are timed to show that cost.
//   node --conditions=@chart-release/source bench/github-limits.bench.ts [--charts 300] [--time-scale 200]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GITHUB_WRITE_LIMITS, WriteBudget, writeBudgetDuration } from '@chart-release/github-client';
import { startGitHubEmulator } from '@chart-release/github-emulator';
import { createGitHubClient, ReleasePublisher } from '@chart-release/github-release';
import { planCharts, releaseCharts, releaseSeed } from './release-fixture.ts';

const { values } = parseArgs({ options: { charts: { type: 'string', default: '300' }, 'time-scale': { type: 'string', default: '200' } } });
const CHARTS = Number(values.charts);
const SCALE = Number(values['time-scale']);
const TARGET = 1.1;
/** Charts assembled at once, as a run does by default (`concurrency: 4`). */
const CONCURRENCY = 4;
const WRITES = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const duration = (ms: number) => {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min ${s % 60} s`;
};

const dir = await mkdtemp(join(tmpdir(), 'bench-github-limits-'));
try {
  const plans = await planCharts(dir, CHARTS);

  // what a write costs here without any pacing, against an emulator without limits
  const sample = plans.slice(0, 50);
  const free = await startGitHubEmulator({ seed: releaseSeed, rateLimit: false });
  let unpaced: number;
  try {
    const octokit = createGitHubClient({ token: free.token, baseUrl: free.url, throttle: { writeIntervalMs: 0 } });
    const t0 = performance.now();
    await releaseCharts(new ReleasePublisher({ octokit }), sample, CONCURRENCY);
    unpaced = (performance.now() - t0) / free.requests.filter((r) => WRITES.has(r.method)).length;
  } finally {
    await free.stop();
  }

  // the release within GitHub's limits, time-scaled on both sides
  const emulator = await startGitHubEmulator({ seed: releaseSeed, secondaryLimits: { timeScale: SCALE } });
  try {
    const budget = new WriteBudget({ timeScale: SCALE });
    const octokit = createGitHubClient({ token: emulator.token, baseUrl: emulator.url, throttle: { writeBudget: budget } });
    const t1 = performance.now();
    await releaseCharts(new ReleasePublisher({ octokit }), plans, CONCURRENCY);
    const wall = performance.now() - t1;

    const writes = emulator.requests.filter((r) => WRITES.has(r.method) && !r.fault).length;
    const limited = emulator.requests.filter((r) => r.fault === 'secondary-rate-limit').length;
    const real = writeBudgetDuration(writes, GITHUB_WRITE_LIMITS);
    const minimum = real / SCALE;
    const ratio = wall / minimum;
    console.log(
      `github-limits: ${CHARTS} charts, ${writes} writes (${(writes / CHARTS).toFixed(2)} a chart); on GitHub the budget makes them take ${duration(real)}`,
    );
    console.log(`  a write without pacing or limits (${sample.length} charts):   ${unpaced.toFixed(1)} ms`);
    console.log(`  minimum the budget allows, at ${SCALE}x:          ${(minimum / 1000).toFixed(1)} s (baseline)`);
    console.log(`  measured within the limits, at ${SCALE}x:         ${(wall / 1000).toFixed(1)} s`);
    console.log(
      `github-limits: wall time ${ratio.toFixed(3)}x the minimum the budget allows (target <= ${TARGET}x), ${limited} secondary-limit answers (target 0) ${ratio <= TARGET && limited === 0 ? 'OK' : 'TARGET MISSED'}`,
    );
    if (emulator.schemaViolations.length) console.log(`github-limits: ${emulator.schemaViolations.length} schema violations in the emulator's responses`);
    process.exitCode = ratio <= TARGET && limited === 0 ? 0 : 1;
  } finally {
    await emulator.stop();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
