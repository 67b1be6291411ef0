import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// allocates like a publish run: many short-lived objects, a window of them alive across each scavenge; prints the
// largest the young generation got, in MB
const allocate = (keepSmall: boolean) => `
  import { getHeapSpaceStatistics } from 'node:v8';
  ${keepSmall ? `(await import(${JSON.stringify(fileURLToPath(new URL('./young-generation.ts', import.meta.url)))})).keepYoungGenerationSmall();` : ''}
  const inFlight = [];
  let largest = 0;
  for (let i = 0; i < 300000; i++) {
    inFlight.push({ body: new Array(20).fill(i), url: 'https://api.github.test/' + i });
    if (inFlight.length > 20000) inFlight.splice(0, 10000);
    if (i % 1000 === 0) largest = Math.max(largest, getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size);
  }
  console.log(Math.round(largest / 1048576));`;
const youngGenerationMb = (keepSmall: boolean) =>
  Number(execFileSync(process.execPath, ['--input-type=module', '-e', allocate(keepSmall)], { encoding: 'utf8' }));

describe('the young generation of a publish run', () => {
  it('stays at its starting size however much survives a scavenge, where it would grow to tens of MB', () => {
    expect(youngGenerationMb(false)).toBeGreaterThanOrEqual(32);
    expect(youngGenerationMb(true)).toBeLessThanOrEqual(8);
  });
});
