import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// allocates like a publish run: many short-lived objects, a window of them alive across each scavenge (so some live
// long enough to reach the old generation); prints the largest each generation got, in MB
const allocate = (limited: boolean) => `
  import { getHeapSpaceStatistics } from 'node:v8';
  ${limited ? `(await import(${JSON.stringify(fileURLToPath(new URL('./heap-growth.ts', import.meta.url)))})).limitHeapGrowth();` : ''}
  const inFlight = [];
  const largest = { new_space: 0, old_space: 0 };
  for (let i = 0; i < 600000; i++) {
    inFlight.push({ body: new Array(20).fill(i), url: 'https://api.github.test/' + i });
    if (inFlight.length > 40000) inFlight.splice(0, 20000);
    if (i % 1000 === 0) for (const s of getHeapSpaceStatistics()) if (s.space_name in largest) largest[s.space_name] = Math.max(largest[s.space_name], s.space_size);
  }
  console.log(JSON.stringify({ young: Math.round(largest.new_space / 1048576), old: Math.round(largest.old_space / 1048576) }));`;
const largestMb = (limited: boolean) =>
  JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', allocate(limited)], { encoding: 'utf8' })) as { young: number; old: number };

describe('the heap of a publish run', () => {
  it('keeps the young generation a fraction of the size it grows to by default, and the whole heap under half of what it grows to by default', () => {
    const free = largestMb(false);
    const limited = largestMb(true);
    expect(free.young).toBeGreaterThanOrEqual(32);
    expect(limited.young).toBeLessThanOrEqual(free.young / 4);
    // what no longer fits the young generation reaches the old one, which is collected before it grows far
    expect(limited.young + limited.old).toBeLessThan((free.young + free.old) / 2);
  });
});
