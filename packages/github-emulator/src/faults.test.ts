import { describe, expect, it } from 'vitest';
import { FaultInjector } from './faults.ts';
import { PrimaryRateLimit } from './rate-limit.ts';

const decide = (f: FaultInjector, n: number) => Array.from({ length: n }, () => f.decide('repos/get', 'GET', '/repos/{owner}/{repo}')?.kind ?? 'ok');

describe('FaultInjector', () => {
  it('fails exactly the next N requests, cycling through the statuses', () => {
    const faults = new FaultInjector({ failNext: 3, errorStatuses: [500, 503] });
    expect(Array.from({ length: 4 }, () => faults.decide('repos/get', 'GET', '/x'))).toEqual([
      { kind: 'server-error', status: 500 },
      { kind: 'server-error', status: 503 },
      { kind: 'server-error', status: 500 },
      undefined,
    ]);
  });

  it('draws the same failures from the same seed', () => {
    const a = decide(new FaultInjector({ errorRate: 0.3, seed: 9 }), 40);
    expect(decide(new FaultInjector({ errorRate: 0.3, seed: 9 }), 40)).toEqual(a);
    expect(decide(new FaultInjector({ errorRate: 0.3, seed: 10 }), 40)).not.toEqual(a);
    expect(a.filter((k) => k !== 'ok').length).toBeGreaterThan(0);
  });

  it('applies secondary rate limits before server errors and only on the named routes', () => {
    const faults = new FaultInjector({ failNext: 1, secondaryRateLimit: { next: 1, retryAfter: 2 }, routes: ['repos/create-release'] });
    expect(faults.decide('repos/get', 'GET', '/repos/{owner}/{repo}')).toBeUndefined();
    expect(faults.decide('repos/create-release', 'POST', '/repos/{owner}/{repo}/releases')).toEqual({
      kind: 'secondary-rate-limit',
      status: 403,
      retryAfter: 2,
    });
    expect(faults.decide('repos/create-release', 'POST', '/repos/{owner}/{repo}/releases')).toEqual({ kind: 'server-error', status: 502 });
  });
});

describe('PrimaryRateLimit', () => {
  it('counts requests per key and reports exhaustion until the window resets', () => {
    const limit = new PrimaryRateLimit({ limit: 2, windowSeconds: 60 });
    const now = 1_700_000_000_000;
    expect(limit.take('a', now)).toMatchObject({ remaining: 1, used: 1, exceeded: false, reset: 1_700_000_060 });
    expect(limit.take('a', now)).toMatchObject({ remaining: 0, exceeded: false });
    expect(limit.take('a', now)).toMatchObject({ remaining: 0, exceeded: true });
    expect(limit.take('b', now)).toMatchObject({ remaining: 1 });
    expect(limit.take('a', now + 60_000)).toMatchObject({ remaining: 1, exceeded: false });
  });
});
