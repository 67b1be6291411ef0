import { registerSecret, silentLogger, type Logger } from '@chart-release/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';
import { WriteBudget, type LimitedResponse, type WriteBudgetOptions } from './write-budget.ts';

const GitHubOctokit = Octokit.plugin(retry, throttling);

/** The Octokit this package (and the app, and attestation-map) talks to GitHub with. */
export type GitHubClient = Octokit;

export interface GitHubClientOptions {
  token?: string;
  /** The REST API root; default `$GITHUB_API_URL` (set in Actions, also on GitHub Enterprise Server), else api.github.com. */
  baseUrl?: string;
  userAgent?: string;
  logger?: Logger;
  /** Retries of a request that failed with a 5xx or a network error (default 3). */
  retries?: number;
  throttle?: {
    /** Retries after a primary or secondary rate limit (default 3); past that the request fails. */
    maxRetries?: number;
    /** Longest `retry-after` worth waiting for, in seconds (default 900); a longer one fails at once. */
    maxRetryAfterSeconds?: number;
    /**
     * Pause between writes (POST/PATCH/PUT/DELETE), as GitHub asks of integrations: default 1000 ms, or
     * `$CHART_RELEASE_GITHUB_WRITE_INTERVAL_MS` (for GitHub Enterprise Server admins who allow more, and emulators).
     * 0 turns the write budget off (a server whose rate limits are off): writes are then only serialised.
     */
    writeIntervalMs?: number;
    /**
     * The write budget (GitHub's 80 writes a minute, 500 an hour, one at a time): a budget to share, or options
     * for one; by default one budget per API root and token in this process, as GitHub counts per token.
     */
    writeBudget?: WriteBudget | WriteBudgetOptions;
  };
  /** How long a "second" of retry-after and backoff lasts; 1000 except in tests. */
  retryUnitMs?: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * An Octokit with retries (5xx, network errors) and throttling (GitHub's write pacing, primary and secondary rate
 * limits honoured with a bounded number of retries, each logged). The token is registered for redaction.
 * See https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api.
 */
export function createGitHubClient(options: GitHubClientOptions = {}): GitHubClient {
  const env = options.env ?? process.env;
  const log = options.logger ?? silentLogger;
  registerSecret(options.token);
  const maxRetries = options.throttle?.maxRetries ?? 3;
  const maxWait = options.throttle?.maxRetryAfterSeconds ?? 900;
  const unit = options.retryUnitMs ?? 1000;
  const fromEnv = Number(env.CHART_RELEASE_GITHUB_WRITE_INTERVAL_MS);
  const writeInterval =
    options.throttle?.writeIntervalMs ?? (env.CHART_RELEASE_GITHUB_WRITE_INTERVAL_MS && Number.isFinite(fromEnv) && fromEnv >= 0 ? fromEnv : undefined);
  const baseUrl = (options.baseUrl ?? env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, '');
  const budget = writeInterval === 0 ? undefined : budgetFor(baseUrl, options.token, options.throttle?.writeBudget, writeInterval);
  const onLimit = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    const what = `${request.method} ${request.url}`;
    if (retryCount >= maxRetries || retryAfter > maxWait) {
      log.warn(`GitHub ${kind} rate limit on ${what}; giving up after ${retryCount} retr${retryCount === 1 ? 'y' : 'ies'} (retry-after ${retryAfter}s).`);
      return false;
    }
    log.warn(`GitHub ${kind} rate limit on ${what}; retrying in ${retryAfter}s (retry ${retryCount + 1} of ${maxRetries}).`);
    return true;
  };
  return new GitHubOctokit({
    auth: options.token,
    baseUrl,
    userAgent: options.userAgent ?? 'chart-release',
    log: {
      debug: (message: string) => log.debug(message),
      info: (message: string) => log.debug(message),
      warn: (message: string) => log.warn(message),
      // the request log's line for a failed request ("GET /repos/... - 404 with id ..."): the caller reports the
      // failure it cannot handle, with a coded error; a lookup that expects a 404 is no error to the user
      error: (message: string) => log.debug(message),
    },
    ...(budget ? { request: { fetch: budgetedFetch(budget) } } : {}),
    retry: { retries: options.retries ?? 3, retryAfterBaseValue: unit },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      retryAfterBaseValue: unit,
      // the write budget paces writes (at the fetch, so every retry counts): the plugin's write groups let them through
      write: UNPACED,
      notifications: UNPACED,
    },
  });
}

/**
 * In place of the throttling plugin's Bottleneck groups for writes: the plugin only asks them to `schedule` a no-op
 * before each write, and a Bottleneck job costs several milliseconds of timers per request.
 */
const UNPACED = {
  key: () => ({ schedule: <T>(...args: unknown[]) => Promise.resolve().then(() => (args.find((a) => typeof a === 'function') as () => T)()) }),
} as unknown as Bottleneck.Group;

const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
const budgets = new Map<string, WriteBudget>();

/** The budget writes of `token` to `baseUrl` share in this process, unless the caller brings its own. */
function budgetFor(baseUrl: string, token: string | undefined, given: WriteBudget | WriteBudgetOptions | undefined, interval: number | undefined): WriteBudget {
  if (given instanceof WriteBudget) return given;
  const options: WriteBudgetOptions = { ...given, limits: { ...given?.limits, ...(interval === undefined ? {} : { minIntervalMs: interval }) } };
  if (options.clock) return new WriteBudget(options);
  const key = JSON.stringify([baseUrl, token ?? '', options.limits, options.timeScale ?? 1]);
  let budget = budgets.get(key);
  if (!budget) budgets.set(key, (budget = new WriteBudget(options)));
  return budget;
}

/** `fetch` with every write waiting for its slot in `budget`, and every rate-limited answer shown to it. */
function budgetedFetch(budget: WriteBudget): typeof fetch {
  return async (input, init) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    if (!WRITE_METHODS.has(method)) {
      const response = await fetch(input, init);
      if (response.status === 403 || response.status === 429) budget.observe(await limitedResponse(response));
      return response;
    }
    const done = await budget.acquire();
    try {
      const response = await fetch(input, init);
      done(await limitedResponse(response));
      return response;
    } catch (error) {
      done();
      throw error;
    }
  };
}

/** Status, headers and, for a 403 or 429, the error message (read from a copy, so Octokit still reads the body). */
async function limitedResponse(response: Response): Promise<LimitedResponse> {
  const headers = Object.fromEntries(response.headers);
  if (response.status !== 403 && response.status !== 429) return { status: response.status, headers };
  const text = await response
    .clone()
    .text()
    .catch(() => '');
  let message = text;
  try {
    message = String((JSON.parse(text) as { message?: unknown }).message ?? text);
  } catch {
    // not JSON: the text itself
  }
  return { status: response.status, headers, message };
}
