/**
 * Fault injection for client resilience tests: latency, server errors (a deterministic count or a seeded random
 * rate) and secondary rate limits, optionally only on some routes.
 */
export interface FaultOptions {
  /** Added to every API response. */
  latencyMs?: number;
  /** The next N matching requests answer with a 5xx. */
  failNext?: number;
  /** Fraction (0..1) of matching requests that answer with a 5xx, drawn from a generator seeded by `seed`. */
  errorRate?: number;
  /** The statuses to answer with, in turn; `[502]` by default (what GitHub's front end returns most). */
  errorStatuses?: number[];
  /** Seed of the random generator behind `errorRate` and `secondaryRateLimit.rate` (1 by default). */
  seed?: number;
  /** Secondary rate limits: 403 (or 429) with `retry-after` and GitHub's message. */
  secondaryRateLimit?: {
    /** The next N matching requests are limited. */
    next?: number;
    /** Fraction (0..1) of matching requests that are limited. */
    rate?: number;
    /** Seconds, sent as `retry-after` (1 by default). */
    retryAfter?: number;
    status?: 403 | 429;
  };
  /** Only these routes: operation ids (`repos/create-release`) or `METHOD /path/template` strings. All by default. */
  routes?: string[];
}

export type Fault = { kind: 'server-error'; status: number } | { kind: 'secondary-rate-limit'; status: number; retryAfter: number };

/** Mulberry32: small, fast and the same sequence for the same seed on every machine, so a fault pattern can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private options: FaultOptions = {};
  private random: () => number = seededRandom(1);
  private failuresLeft = 0;
  private limitsLeft = 0;
  private errorIndex = 0;

  constructor(options: FaultOptions = {}) {
    this.set(options);
  }

  /** Replaces the fault configuration (and restarts the random sequence and counters). */
  set(options: FaultOptions): void {
    this.options = { ...options };
    this.random = seededRandom(options.seed ?? 1);
    this.failuresLeft = options.failNext ?? 0;
    this.limitsLeft = options.secondaryRateLimit?.next ?? 0;
    this.errorIndex = 0;
  }

  get current(): FaultOptions {
    return {
      ...this.options,
      failNext: this.failuresLeft,
      secondaryRateLimit: this.options.secondaryRateLimit && { ...this.options.secondaryRateLimit, next: this.limitsLeft },
    };
  }

  get latencyMs(): number {
    return this.options.latencyMs ?? 0;
  }

  /** The fault, if any, for one request to `operationId` (`method` + `template` is the OpenAPI path). */
  decide(operationId: string, method: string, template: string): Fault | undefined {
    const routes = this.options.routes;
    if (routes?.length && !routes.some((r) => r === operationId || r.toUpperCase() === `${method} ${template}`.toUpperCase())) return undefined;
    const limit = this.options.secondaryRateLimit;
    if (limit && (this.limitsLeft > 0 || (limit.rate ?? 0) > this.random())) {
      if (this.limitsLeft > 0) this.limitsLeft--;
      return { kind: 'secondary-rate-limit', status: limit.status ?? 403, retryAfter: limit.retryAfter ?? 1 };
    }
    if (this.failuresLeft > 0 || (this.options.errorRate ?? 0) > this.random()) {
      if (this.failuresLeft > 0) this.failuresLeft--;
      const statuses = this.options.errorStatuses?.length ? this.options.errorStatuses : [502];
      return { kind: 'server-error', status: statuses[this.errorIndex++ % statuses.length]! };
    }
    return undefined;
  }
}

export const SECONDARY_RATE_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID';
