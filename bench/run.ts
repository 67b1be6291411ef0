#!/usr/bin/env node
// Runs every benchmark in this folder (bench/*.bench.ts), one after another, each in its own process so that
// memory figures are its own. Each prints its ratio against a baseline measured in the same script.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log('npm run bench [name...]: run bench/*.bench.ts (all, or those whose file name contains a name)');
  process.exit(0);
}
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !only.length || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const file of files) {
  console.log(`\n▶ ${file}`);
  const r = spawnSync(process.execPath, ['--conditions=@chart-release/source', '--expose-gc', join(here, file)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
console.log(`\n${files.length - failed} benchmarks ran, ${failed} failed`);
process.exit(failed ? 1 : 0);
