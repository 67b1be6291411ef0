import { describe, expect, it } from 'vitest';
import { SecondaryLimits } from './secondary-limits.ts';

describe('SecondaryLimits', () => {
  it('refuses the 81st write in a minute and frees a slot when the oldest leaves the window', () => {
    const limits = new SecondaryLimits();
    for (let i = 0; i < 80; i++) {
      expect(limits.enter('t', 'POST', 1000 + i).limited).toBe(false);
      limits.leave('t');
    }
    expect(limits.enter('t', 'POST', 2000)).toEqual({ limited: true, retryAfterSeconds: 59, status: 403, reason: 'minute' });
    expect(limits.enter('t', 'GET', 2000).limited).toBe(false);
    expect(limits.enter('other', 'POST', 2000).limited).toBe(false);
    expect(limits.enter('t', 'PATCH', 61_001).limited).toBe(false);
  });

  it('refuses the 501st write in an hour, with a time scale', () => {
    const limits = new SecondaryLimits({ timeScale: 60, status: 429 });
    // 60x: a minute is one second, an hour one minute; 80 writes a second stay inside the minute limit
    let now = 0;
    for (let i = 0; i < 500; i++) {
      now = Math.floor(i / 80) * 1000 + (i % 80);
      expect(limits.enter('t', 'DELETE', now).limited).toBe(false);
      limits.leave('t');
    }
    const refused = limits.enter('t', 'POST', now + 1000);
    expect(refused).toMatchObject({ limited: true, status: 429, reason: 'hour' });
    expect(limits.enter('t', 'POST', 60_001).limited).toBe(false);
  });

  it('limits requests in flight at once', () => {
    const limits = new SecondaryLimits({ concurrency: 2 });
    expect(limits.enter('t', 'GET').limited).toBe(false);
    expect(limits.enter('t', 'GET').limited).toBe(false);
    expect(limits.enter('t', 'GET')).toMatchObject({ limited: true, reason: 'concurrency' });
    limits.leave('t');
    expect(limits.enter('t', 'GET').limited).toBe(false);
  });
});
