import { describe, expect, it } from 'vitest';
import { GITHUB_WRITE_LIMITS, nextWriteStart, rateLimitPause, WriteBudget, writeBudgetDuration, type Clock } from './write-budget.ts';

/** A clock that moves only when someone sleeps (or the test says so). */
function fakeClock(start = 1_700_000_000_000): Clock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += Math.max(0, ms);
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** The most writes found in any window of `windowMs` (a write at t counts in (t - window, t]), as GitHub counts. */
function busiestWindow(times: number[], windowMs: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[j]! <= times[i]! - windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

const SECONDARY = 'You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.';

describe('nextWriteStart', () => {
  it('keeps one second between writes, 80 in any minute and 500 in any hour', () => {
    expect(nextWriteStart([], 5)).toBe(5);
    expect(nextWriteStart([0], 10)).toBe(1000);
    expect(nextWriteStart([0], 2500)).toBe(2500);
    const burst = Array.from({ length: 80 }, (_, i) => i);
    expect(nextWriteStart(burst, 80, { ...GITHUB_WRITE_LIMITS, minIntervalMs: 0 })).toBe(60_000);
    const hour = Array.from({ length: 500 }, (_, i) => i * 1000);
    expect(nextWriteStart(hour, 500_000)).toBe(3_600_000);
  });

  it('shortens every interval by the time scale', () => {
    expect(nextWriteStart([0], 0, GITHUB_WRITE_LIMITS, 100)).toBe(10);
    const hour = Array.from({ length: 500 }, (_, i) => i * 10);
    expect(nextWriteStart(hour, 5000, GITHUB_WRITE_LIMITS, 100)).toBe(36_000);
  });
});

describe('writeBudgetDuration', () => {
  it('gives what the limits allow: 500 writes in 499 s, the 501st an hour after the first', () => {
    expect(writeBudgetDuration(0)).toBe(0);
    expect(writeBudgetDuration(1)).toBe(0);
    expect(writeBudgetDuration(60)).toBe(59_000);
    expect(writeBudgetDuration(500)).toBe(499_000);
    expect(writeBudgetDuration(501)).toBe(3_600_000);
    // a 100-chart first release of nine writes a chart cannot finish inside an hour
    expect(writeBudgetDuration(900)).toBe(3_600_000 + 399_000);
    expect(writeBudgetDuration(2700)).toBe(5 * 3_600_000 + 199_000);
  });

  it('lets the minute limit bind once the pause between writes is shorter than 0.75 s', () => {
    const fast = { ...GITHUB_WRITE_LIMITS, minIntervalMs: 0 };
    expect(writeBudgetDuration(80, fast)).toBe(0);
    expect(writeBudgetDuration(81, fast)).toBe(60_000);
    expect(writeBudgetDuration(500, fast)).toBe(6 * 60_000);
  });
});

describe('rateLimitPause', () => {
  const now = 1_700_000_000_000;
  it('honours retry-after on a secondary limit, 403 or 429', () => {
    expect(rateLimitPause({ status: 403, headers: { 'retry-after': '30' }, message: SECONDARY }, now)).toBe(30_000);
    expect(rateLimitPause({ status: 429, headers: { 'retry-after': '0' }, message: SECONDARY }, now)).toBe(0);
  });

  it('without retry-after, waits for x-ratelimit-reset when nothing remains, else a minute doubling while it persists', () => {
    const reset = String(now / 1000 + 42);
    expect(rateLimitPause({ status: 403, headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }, message: SECONDARY }, now)).toBe(42_000);
    expect(rateLimitPause({ status: 403, headers: { 'x-ratelimit-remaining': '12', 'x-ratelimit-reset': reset }, message: SECONDARY }, now)).toBe(60_000);
    expect(rateLimitPause({ status: 403, headers: {}, message: SECONDARY }, now, 2)).toBe(240_000);
  });

  it('waits one second past x-ratelimit-reset on a primary limit, and ignores answers that are no limit', () => {
    const headers = { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 10) };
    expect(rateLimitPause({ status: 403, headers, message: 'API rate limit exceeded for user ID 1.' }, now)).toBe(11_000);
    expect(
      rateLimitPause({ status: 403, headers: { 'x-ratelimit-remaining': '4999' }, message: 'Resource not accessible by integration' }, now),
    ).toBeUndefined();
    expect(rateLimitPause({ status: 404, headers: { 'retry-after': '5' }, message: SECONDARY }, now)).toBeUndefined();
  });
});

describe('WriteBudget', () => {
  it('starts writes one second apart', async () => {
    const clock = fakeClock(0);
    const budget = new WriteBudget({ clock });
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const done = await budget.acquire();
      starts.push(clock.now());
      clock.advance(i === 0 ? 1500 : 0); // a slow write does not hold the next one back
      done({ status: 201, headers: {} });
    }
    expect(starts).toEqual([0, 1500, 2500]);
    expect(budget.started).toBe(3);
  });

  it('counts a write still in flight as the newest: the next over the limit waits for its answer and the window', async () => {
    const clock = fakeClock(0);
    const budget = new WriteBudget({ clock, limits: { perMinute: 2, minIntervalMs: 0 } });
    const first = await budget.acquire();
    await budget.acquire();
    let third = false;
    const waiting = budget.acquire().then((done) => {
      third = true;
      return done;
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(third).toBe(false);
    expect(budget.nextStart()).toBe(Infinity);
    clock.advance(300); // the first write's answer arrives 300 ms after it started
    first({ status: 201, headers: {} });
    await waiting;
    expect(clock.now()).toBe(60_300);
  });

  it('schedules 1,200 writes inside 80 a minute and 500 an hour, counted from when each finished', async () => {
    const clock = fakeClock();
    const budget = new WriteBudget({ clock, limits: { minIntervalMs: 100 } });
    const arrivals: number[] = [];
    const started = clock.now();
    for (let i = 0; i < 1200; i++) {
      const done = await budget.acquire();
      clock.advance(i % 7); // the request reaches the server a little later
      arrivals.push(clock.now());
      clock.advance(5);
      done({ status: 201, headers: {} });
    }
    expect(busiestWindow(arrivals, 60_000)).toBeLessThanOrEqual(80);
    expect(busiestWindow(arrivals, 3_600_000)).toBeLessThanOrEqual(500);
    // not slower than the limits make it: two full hours and the last 200 writes' minutes, plus the requests' time
    const minimum = writeBudgetDuration(1200, { ...GITHUB_WRITE_LIMITS, minIntervalMs: 100 });
    expect(arrivals.at(-1)! - started).toBeGreaterThanOrEqual(minimum);
    expect(arrivals.at(-1)! - started).toBeLessThan(minimum * 1.01);
  });

  it('pauses every write for the retry-after of a limited answer', async () => {
    const clock = fakeClock(0);
    const budget = new WriteBudget({ clock });
    const first = await budget.acquire();
    first({ status: 403, headers: { 'retry-after': '60' }, message: SECONDARY });
    expect(budget.limited).toBe(1);
    expect(budget.nextStart()).toBe(60_000);
    await budget.acquire().then((done) => done({ status: 201, headers: {} }));
    expect(clock.now()).toBe(60_000);
    // a read's limit pauses the writes too
    budget.observe({ status: 429, headers: { 'retry-after': '5' }, message: 'You have exceeded a secondary rate limit.' });
    expect(budget.nextStart()).toBe(65_000);
  });
});
