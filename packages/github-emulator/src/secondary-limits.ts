/**
 * GitHub's secondary rate limits, enforced: at most 80 content-creating requests (POST, PATCH, PUT, DELETE) a
 * minute and 500 an hour per token, and at most 100 requests of a token in flight at once. A request over a limit
 * gets 403 (or 429) with `Retry-After` and GitHub's message: for too many writes the content-creation one
 * (`CONTENT_CREATION_LIMIT_MESSAGE`), for too many in flight the general one ending in the request id. `timeScale` runs the clock faster
 * (60: a limit minute lasts one real second), so a release of hundreds of charts can be tested in minutes;
 * `Retry-After` is then in real seconds.
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
 */
export interface SecondaryLimitOptions {
  /** Content-creating requests per minute (80 by default). */
  writesPerMinute?: number;
  /** Content-creating requests per hour (500 by default). */
  writesPerHour?: number;
  /** Requests of one token in flight at once (100 by default). */
  concurrency?: number;
  /** How many times faster than real time the limit windows pass (1 by default). */
  timeScale?: number;
  /** The status of a limited request: 403 (default, what GitHub sends most) or 429. */
  status?: 403 | 429;
}

export type SecondaryDecision = { limited: false } | { limited: true; retryAfterSeconds: number; status: 403 | 429; reason: 'minute' | 'hour' | 'concurrency' };

/** What GitHub answers a token that created too much content too fast (its 80-a-minute and 500-an-hour limits). */
export const CONTENT_CREATION_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.';

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

export class SecondaryLimits {
  private readonly writes = new Map<string, number[]>();
  private readonly inFlight = new Map<string, number>();
  private readonly perMinute: number;
  private readonly perHour: number;
  private readonly concurrency: number;
  private readonly scale: number;
  private readonly status: 403 | 429;

  constructor(options: SecondaryLimitOptions = {}) {
    this.perMinute = options.writesPerMinute ?? 80;
    this.perHour = options.writesPerHour ?? 500;
    this.concurrency = options.concurrency ?? 100;
    this.scale = options.timeScale ?? 1;
    this.status = options.status ?? 403;
  }

  /** Admits one request of `key` (a token) or says which limit refuses it; an admitted request must `leave`. */
  enter(key: string, method: string, now = Date.now()): SecondaryDecision {
    const running = this.inFlight.get(key) ?? 0;
    if (running >= this.concurrency) return { limited: true, retryAfterSeconds: 1, status: this.status, reason: 'concurrency' };
    if (WRITE_METHODS.has(method.toUpperCase())) {
      const minute = 60_000 / this.scale;
      const hour = 3_600_000 / this.scale;
      const times = (this.writes.get(key) ?? []).filter((t) => t > now - hour);
      this.writes.set(key, times);
      const inMinute = times.filter((t) => t > now - minute);
      if (times.length >= this.perHour) return this.refuse('hour', times[times.length - this.perHour]! + hour - now);
      if (inMinute.length >= this.perMinute) return this.refuse('minute', inMinute[inMinute.length - this.perMinute]! + minute - now);
      times.push(now);
    }
    this.inFlight.set(key, running + 1);
    return { limited: false };
  }

  /** The request of `key` admitted by `enter` has finished. */
  leave(key: string): void {
    const running = (this.inFlight.get(key) ?? 1) - 1;
    if (running > 0) this.inFlight.set(key, running);
    else this.inFlight.delete(key);
  }

  private refuse(reason: 'minute' | 'hour', waitMs: number): SecondaryDecision {
    return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)), status: this.status, reason };
  }
}
