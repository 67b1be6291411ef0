import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitHubEmulator } from '@chart-release/github-emulator';
import { acquireLease, type LeaseOptions } from '../src/index.ts';
import { OWNER, publisherFor, RELEASE_SHA, REPO, startEmulator } from './fixtures.ts';

describe('a lease held in GitHub refs', () => {
  let emulator: GitHubEmulator;
  let base: Omit<LeaseOptions, 'key'>;
  beforeAll(async () => {
    emulator = await startEmulator();
    base = { octokit: publisherFor(emulator).octokit, repo: { owner: OWNER, repo: REPO }, commit: RELEASE_SHA, pollMs: 20 };
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it('lets one of two concurrent takers in; the other waits until it is released', async () => {
    const order: string[] = [];
    const work = async (name: string) => {
      const lease = await acquireLease({ ...base, key: 'publish', holder: name, waitMs: 10_000 });
      order.push(`${name} in`);
      await sleep(150);
      order.push(`${name} out`);
      await lease.release();
      return lease.generation;
    };
    const generations = await Promise.all([work('a'), work('b')]);
    // never interleaved: each run's "in" is followed by its own "out"
    expect(order[0]!.split(' ')[0]).toBe(order[1]!.split(' ')[0]);
    expect(order[2]!.split(' ')[0]).toBe(order[3]!.split(' ')[0]);
    expect(generations.sort()).toEqual([1, 2]);
    const refs = emulator.state.repos.find((r) => r.name === REPO)!.refs.filter((r) => r.ref.startsWith('refs/chart-release/leases/publish/'));
    expect(refs.map((r) => r.ref)).toEqual(['refs/chart-release/leases/publish/2']);
  });

  it('stops with LEASE_HELD naming the holder when it cannot wait', async () => {
    const held = await acquireLease({ ...base, key: 'promote-web-app-stable', holder: 'run-1', runUrl: 'https://github.com/acme/charts/actions/runs/1' });
    await expect(acquireLease({ ...base, key: 'promote-web-app-stable', holder: 'run-2', waitMs: 0 })).rejects.toMatchObject({
      code: 'LEASE_HELD',
      message: expect.stringContaining('run-1 (https://github.com/acme/charts/actions/runs/1'),
    });
    await held.release();
    const next = await acquireLease({ ...base, key: 'promote-web-app-stable', holder: 'run-2', waitMs: 0 });
    expect(next.generation).toBe(held.generation + 1);
    await next.release();
  });

  it('is taken over once the holder stopped renewing it (a crashed run)', async () => {
    let clock = Date.now();
    const now = () => clock;
    // a holder that never releases, with a one-minute lifetime on a clock the test moves
    const crashed = await acquireLease({ ...base, key: 'crash', holder: 'crashed', ttlMs: 60_000, now });
    await expect(acquireLease({ ...base, key: 'crash', holder: 'next', waitMs: 0, now })).rejects.toMatchObject({ code: 'LEASE_HELD' });
    clock += 61_000;
    const next = await acquireLease({ ...base, key: 'crash', holder: 'next', waitMs: 0, now });
    expect(next.generation).toBe(crashed.generation + 1);
    await next.release();
  });
});
