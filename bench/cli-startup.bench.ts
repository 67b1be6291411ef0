#!/usr/bin/env node
// Benchmark: how long `chart-release --help` takes to start, against bare Node (`node -e 0`) measured in this same
// script, interleaved run by run so that machine load hits both alike. The built CLI (what the Action and a
// tarball install run) is the figure the target is checked against: at most 1.5x bare Node. The CLI loads a
// command's modules only when that command runs; the from-source figure (Node's type stripping) is printed beside.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const TARGET = 1.5;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const builtCli = join(root, 'apps/atomic-release-publishing/dist/cli.js');
const sourceCli = join(root, 'apps/atomic-release-publishing/src/cli.ts');

// the CLI as users run it: compiled (nx builds its packages first; cached when nothing changed)
await execa('npx', ['nx', 'run', 'atomic-release-publishing:build', '--output-style=static'], {
  cwd: root,
  stdio: 'ignore',
  env: { ...process.env, NX_DAEMON: 'false' },
});
if (!existsSync(builtCli)) throw new Error(`the build did not write ${builtCli}`);

/** Wall time of one process run, in milliseconds; a failing run fails the benchmark. */
function timed(args: string[]): number {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const bare: number[] = [];
const built: number[] = [];
const source: number[] = [];
timed(['-e', '0']); // warm the file cache before measuring
timed([builtCli, '--help']);
for (let i = 0; i < RUNS; i++) {
  bare.push(timed(['-e', '0']));
  built.push(timed([builtCli, '--help']));
  source.push(timed(['--conditions=@chart-release/source', sourceCli, '--help']));
}
const ratio = median(built) / median(bare);
console.log(`node -e 0:                         ${median(bare).toFixed(1)} ms (median of ${RUNS})`);
console.log(`chart-release --help (built):      ${median(built).toFixed(1)} ms  ${ratio.toFixed(2)}x bare Node (target <= ${TARGET}x)`);
console.log(`chart-release --help (from source): ${median(source).toFixed(1)} ms  ${(median(source) / median(bare)).toFixed(2)}x bare Node`);
console.log(ratio <= TARGET ? 'target met' : 'target NOT met');
