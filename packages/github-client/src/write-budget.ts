/**
 * GitHub's secondary limits on content-creating requests, as a schedule: at most 80 writes (POST, PATCH, PUT,
 * DELETE) a minute, 500 an hour, and at least one second between two writes; after a rate-limited answer, no write
 * until `retry-after` has passed, or `x-ratelimit-reset` when `x-ratelimit-remaining` is 0, else a minute (doubling
 * while the limit persists).
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits
 * https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#pause-between-mutative-requests
 */
export interface WriteLimits {
  /** Writes in any 60 s (GitHub: 80). */
  perMinute: number;
  /** Writes in any 3600 s (GitHub: 500). */
  perHour: number;
  /** Milliseconds from one write's start to the next one's (GitHub asks for 1000). */
  minIntervalMs: number;
}

/** The limits GitHub publishes for content-creating requests of one token. */
export const GITHUB_WRITE_LIMITS: Readonly<WriteLimits> = Object.freeze({ perMinute: 80, perHour: 500, minIntervalMs: 1000 });

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** Time as the budget sees it: `now` in epoch milliseconds and a way to wait. Injected in tests. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The wall clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** What the budget needs of a response: its status, headers (lower-case names) and error message. */
export interface LimitedResponse {
  status: number;
  headers: Record<string, string | undefined>;
  message?: string;
}

/**
 * The earliest moment (epoch ms, never before `now`) a write may start, given the moments earlier writes counted
 * from (ascending; only the last `perHour` matter), `limits` and a `timeScale` that shortens every interval.
 */
export function nextWriteStart(counted: readonly number[], now: number, limits: WriteLimits = GITHUB_WRITE_LIMITS, timeScale = 1): number {
  let at = now;
  const n = counted.length;
  if (n > 0) at = Math.max(at, counted[n - 1]! + limits.minIntervalMs / timeScale);
  if (n >= limits.perMinute) at = Math.max(at, counted[n - limits.perMinute]! + MINUTE_MS / timeScale);
  if (n >= limits.perHour) at = Math.max(at, counted[n - limits.perHour]! + HOUR_MS / timeScale);
  return at;
}

/**
 * How long `writes` writes take at the fastest the limits allow, in milliseconds from the first write's start to
 * the last one's (requests taking no time): what `plan` prints as the budget's duration of a run.
 */
export function writeBudgetDuration(writes: number, limits: WriteLimits = GITHUB_WRITE_LIMITS): number {
  if (writes <= 1) return 0;
  const starts: number[] = [];
  for (let i = 0; i < writes; i++) starts.push(nextWriteStart(starts, 0, limits));
  return starts[writes - 1]!;
}

/**
 * How long GitHub asks a client to wait after `response` (ms), or undefined when it is no rate limit: a secondary
 * limit (403/429 naming it) waits `retry-after` seconds, else until `x-ratelimit-reset` when `x-ratelimit-remaining`
 * is 0, else one minute doubled for each consecutive limited answer before (`previous`); a primary limit (403/429
 * with `x-ratelimit-remaining: 0`) waits until one second past `x-ratelimit-reset`.
 */
export function rateLimitPause(response: LimitedResponse, now: number, previous = 0): number | undefined {
  if (response.status !== 403 && response.status !== 429) return undefined;
  const retryAfter = Number(response.headers['retry-after']);
  const exhausted = response.headers['x-ratelimit-remaining'] === '0';
  const reset = Number(response.headers['x-ratelimit-reset']) * 1000;
  const untilReset = Number.isFinite(reset) && reset > 0 ? Math.max(0, reset - now) : undefined;
  if (/\bsecondary rate limit\b/i.test(response.message ?? '')) {
    if (response.headers['retry-after'] !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;
    if (exhausted && untilReset !== undefined) return untilReset;
    return MINUTE_MS * 2 ** Math.min(previous, 6);
  }
  if (exhausted) return untilReset === undefined ? MINUTE_MS : untilReset + 1000;
  return undefined;
}

export interface WriteBudgetOptions {
  limits?: Partial<WriteLimits>;
  /** How many times faster than real time the intervals pass (1; more only against an emulator with a time scale). */
  timeScale?: number;
  clock?: Clock;
}

/**
 * Writes of one token, scheduled to its limits: `acquire` waits until the next write may start (a second after the
 * one before started); the write counts in the minute and the hour from when its answer arrived (`done`), and
 * until then as the newest, so the server, which counts from arrival, never sees more than the limits.
 */
export class WriteBudget {
  readonly limits: WriteLimits;
  readonly timeScale: number;
  readonly clock: Clock;
  /** Writes started. */
  started = 0;
  /** Rate-limited answers seen. */
  limited = 0;
  #counted: number[] = [];
  #inFlight = 0;
  #lastStart = -Infinity;
  #pausedUntil = -Infinity;
  #consecutiveLimits = 0;
  #queue: Promise<void> = Promise.resolve();
  #finished: (() => void)[] = [];

  constructor(options: WriteBudgetOptions = {}) {
    this.limits = { ...GITHUB_WRITE_LIMITS, ...options.limits };
    this.timeScale = options.timeScale ?? 1;
    this.clock = options.clock ?? systemClock;
  }

  /** When the next write may start (epoch ms); Infinity while it waits for a write in flight to finish. */
  nextStart(): number {
    let at = Math.max(this.clock.now(), this.#lastStart + this.limits.minIntervalMs / this.timeScale, this.#pausedUntil);
    const n = this.#counted.length + this.#inFlight;
    for (const [limit, window] of [
      [this.limits.perMinute, MINUTE_MS],
      [this.limits.perHour, HOUR_MS],
    ] as const) {
      if (n < limit) continue;
      const oldest = this.#counted[n - limit];
      if (oldest === undefined) return Infinity;
      at = Math.max(at, oldest + window / this.timeScale);
    }
    return at;
  }

  /** Waits for the next slot and takes it; call the returned `done` when the write's answer has arrived. */
  acquire(): Promise<(response?: LimitedResponse) => void> {
    const turn = this.#queue.then(async () => {
      for (let at = this.nextStart(); at > this.clock.now(); at = this.nextStart()) {
        if (at === Infinity) await new Promise<void>((resolve) => this.#finished.push(resolve));
        else await this.clock.sleep(at - this.clock.now());
      }
      this.#lastStart = this.clock.now();
      this.#inFlight++;
      this.started++;
    });
    this.#queue = turn;
    return turn.then(() => {
      let finished = false;
      return (response?: LimitedResponse) => {
        if (finished) return;
        finished = true;
        this.#inFlight--;
        this.#counted.push(this.clock.now());
        if (this.#counted.length > 2 * this.limits.perHour) this.#counted = this.#counted.slice(-this.limits.perHour);
        if (response) this.observe(response);
        for (const wake of this.#finished.splice(0)) wake();
      };
    });
  }

  /** Pauses every write for as long as a rate-limited `response` (of any request of this token) asks. */
  observe(response: LimitedResponse): void {
    const now = this.clock.now();
    const pause = rateLimitPause(response, now, this.#consecutiveLimits);
    if (pause === undefined) {
      if (response.status < 400) this.#consecutiveLimits = 0;
      return;
    }
    this.limited++;
    this.#consecutiveLimits++;
    this.#pausedUntil = Math.max(this.#pausedUntil, now + pause);
  }
}
