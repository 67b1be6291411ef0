/**
 * GitHub's primary rate limit: a budget of requests per window, reported on every response in `x-ratelimit-*`
 * headers, and a 403 "API rate limit exceeded" once spent.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
 */
export interface RateLimitOptions {
  /** Requests per window (5000 by default, GitHub's limit for a token). */
  limit?: number;
  /** Length of the window in seconds (3600 by default). */
  windowSeconds?: number;
  /** Requests per window for callers without a token, counted per client address (60 by default, as on GitHub). */
  anonymousLimit?: number;
}

export interface RateLimitStatus {
  limit: number;
  remaining: number;
  used: number;
  /** Epoch seconds when the window resets. */
  reset: number;
  exceeded: boolean;
}

export class PrimaryRateLimit {
  private readonly windows = new Map<string, { used: number; reset: number }>();
  private readonly limit: number;
  private readonly anonymousLimit: number;
  private readonly windowSeconds: number;

  constructor(options: RateLimitOptions = {}) {
    this.limit = options.limit ?? 5000;
    this.anonymousLimit = options.anonymousLimit ?? 60;
    this.windowSeconds = options.windowSeconds ?? 3600;
  }

  /** Counts one request against `key` (a token, or `anonymous:` and the client address). */
  take(key: string, now = Date.now()): RateLimitStatus {
    return this.count(key, now, 1);
  }

  /** The status without counting (GET /rate_limit does not count against the limit). */
  peek(key: string, now = Date.now()): RateLimitStatus {
    return this.count(key, now, 0);
  }

  /** Gives back one request (an authenticated 304 Not Modified does not count, as on GitHub). */
  refund(key: string, now = Date.now()): RateLimitStatus {
    const window = this.windows.get(key);
    if (window && window.used > 0) window.used--;
    return this.count(key, now, 0);
  }

  private count(key: string, now: number, cost: number): RateLimitStatus {
    const limit = key.startsWith('anonymous:') ? this.anonymousLimit : this.limit;
    let window = this.windows.get(key);
    if (!window || window.reset * 1000 <= now) {
      window = { used: 0, reset: Math.ceil(now / 1000) + this.windowSeconds };
      this.windows.set(key, window);
    }
    const exceeded = cost > 0 && window.used >= limit;
    if (!exceeded) window.used += cost;
    return { limit, used: window.used, remaining: limit - window.used, reset: window.reset, exceeded };
  }

  static headers(status: RateLimitStatus): Record<string, string> {
    return {
      'x-ratelimit-limit': String(status.limit),
      'x-ratelimit-remaining': String(status.remaining),
      'x-ratelimit-reset': String(status.reset),
      'x-ratelimit-used': String(status.used),
      'x-ratelimit-resource': 'core',
    };
  }
}
