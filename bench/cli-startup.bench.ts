#!/usr/bin/env node
// Benchmark: how long `chart-release --help` and each package's bin `--help` take to start, against bare Node
// (`node -e 0`) measured in this same script, interleaved run by run so that machine load hits all alike. The built
// CLIs (what the Action, a tarball install and `npx <bin>` run) are the figures the target is checked against: at
// most 1.5x bare Node. A CLI loads a command's modules only when that command runs; the from-source figure of
// chart-release (Node's type stripping) is printed beside.
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

/** Each package bin, by its name, and the built file it runs. */
const BINS: Record<string, string> = {
  'attestation-map': 'packages/attestation-map/dist/cli.js',
  'changed-charts': 'packages/changed-charts/dist/cli.js',
  'chart-sign': 'packages/cosign/dist/cli.js',
  'chart-github-release': 'packages/github-release/dist/cli.js',
  'chart-push': 'packages/oci/dist/cli.js',
  'github-emulator': 'packages/github-emulator/dist/cli.js',
  'chart-release-testkit': 'packages/testkit/dist/cli.js',
};
// the CLIs as users run them: compiled (nx builds them and what they import; cached when nothing changed)
await execa('npx', ['nx', 'run-many', '-t', 'build', '--output-style=static'], {
  cwd: root,
  stdio: 'ignore',
  env: { ...process.env, NX_DAEMON: 'false' },
});
for (const file of [builtCli, ...Object.values(BINS)]) if (!existsSync(resolve(root, file))) throw new Error(`the build did not write ${file}`);

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
const bins = Object.fromEntries(Object.keys(BINS).map((name) => [name, [] as number[]]));
timed(['-e', '0']); // warm the file cache before measuring
timed([builtCli, '--help']);
for (const file of Object.values(BINS)) timed([resolve(root, file), '--help']);
for (let i = 0; i < RUNS; i++) {
  bare.push(timed(['-e', '0']));
  built.push(timed([builtCli, '--help']));
  source.push(timed(['--conditions=@chart-release/source', sourceCli, '--help']));
  for (const [name, file] of Object.entries(BINS)) bins[name]!.push(timed([resolve(root, file), '--help']));
}
const ratio = median(built) / median(bare);
const pad = (label: string) => label.padEnd(40);
console.log(`${pad('node -e 0:')}${median(bare).toFixed(1)} ms (median of ${RUNS})`);
console.log(`${pad('chart-release --help (built):')}${median(built).toFixed(1)} ms  ${ratio.toFixed(2)}x bare Node (target <= ${TARGET}x)`);
console.log(`${pad('chart-release --help (from source):')}${median(source).toFixed(1)} ms  ${(median(source) / median(bare)).toFixed(2)}x bare Node`);
let worst = ratio;
for (const [name, times] of Object.entries(bins)) {
  const r = median(times) / median(bare);
  worst = Math.max(worst, r);
  console.log(`${pad(`${name} --help (built):`)}${median(times).toFixed(1)} ms  ${r.toFixed(2)}x bare Node`);
}
console.log(`cli-startup: slowest --help ${worst.toFixed(2)}x bare Node (target <= ${TARGET}x) ${worst <= TARGET ? 'OK' : 'ABOVE TARGET'}`);
