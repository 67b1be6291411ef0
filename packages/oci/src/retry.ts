import { setTimeout as sleep } from 'node:timers/promises';
import { ReleaseError, silentLogger, type Logger } from '@chart-release/core';
import pRetry, { AbortError } from 'p-retry';
import { networkFailureCode, RegistryHttpError } from './http-error.ts';

/** How registry requests are retried; every field has a production default. */
export interface RetryOptions {
  /** Retries after the first attempt (default 6). */
  retries?: number;
  /** First backoff in ms (default 500); doubles each retry, jittered. */
  minTimeoutMs?: number;
  /** Longest single backoff in ms (default 15 000). */
  maxTimeoutMs?: number;
  /** Give up once this much time has passed since the first attempt (default 120 000 ms). */
  maxRetryTimeMs?: number;
  /** Longest `Retry-After` honoured (default 60 000 ms); longer ones are capped. */
  maxRetryAfterMs?: number;
  /** Timeout of one request in ms (default 60 000). */
  requestTimeoutMs?: number;
  /**
   * Attempts after which refused connections in a row stop being retried (default 3, about 1.5 s): nothing
   * listening at the address is a wrong registry URL far more often than an outage.
   */
  refusedAttempts?: number;
}

/** Whether a failure is worth another attempt, and why (for the log line). */
export interface FailureClass {
  retry: boolean;
  cause: string;
  retryAfterMs?: number;
}

/**
 * The one place that decides what is retried: 5xx, 408, 429 (with its `Retry-After`), and connection resets,
 * refusals and timeouts. Never 400/401/403/404 or any other 4xx (the single token refresh on 401 happens in the
 * auth flow, not here), and never a ReleaseError (auth failure, immutable tag: retrying cannot fix those).
 */
export function classifyFailure(error: unknown): FailureClass {
  if (error instanceof RegistryHttpError) {
    const cause = `HTTP ${error.status}${error.ociErrors.length ? ` ${error.ociErrors[0]}` : ''}`;
    if (error.status >= 500 || error.status === 408) return { retry: true, cause };
    if (error.status === 429) return { retry: true, cause, retryAfterMs: error.retryAfterMs };
    return { retry: false, cause };
  }
  if (error instanceof ReleaseError) return { retry: false, cause: error.code };
  const code = networkFailureCode(error);
  if (code) return { retry: true, cause: code };
  return { retry: false, cause: error instanceof Error ? error.message : String(error) };
}

/** Runs registry operations under the retry policy. */
export interface RetryPolicy {
  readonly options: Required<RetryOptions>;
  /** Runs `fn` until it succeeds, fails for good, or the policy's bounds are reached; `classify` overrides what is retried. */
  run<T>(operation: string, fn: (attempt: number) => Promise<T>, classify?: (error: unknown) => FailureClass): Promise<T>;
}

export const DEFAULT_RETRY: Required<RetryOptions> = {
  retries: 6,
  minTimeoutMs: 500,
  maxTimeoutMs: 15_000,
  maxRetryTimeMs: 120_000,
  maxRetryAfterMs: 60_000,
  requestTimeoutMs: 60_000,
  refusedAttempts: 3,
};

/**
 * The registry retry policy (p-retry, jittered exponential backoff, bounded total time). A failure that is still
 * retryable when the bounds run out becomes `REGISTRY_UNAVAILABLE`; any other failure is rethrown as it is.
 */
export function retryPolicy(options: RetryOptions = {}, logger: Logger = silentLogger): RetryPolicy {
  const resolved = { ...DEFAULT_RETRY, ...options };
  return {
    options: resolved,
    async run(operation, fn, classify = classifyFailure) {
      let attempts = 0;
      let refused = 0;
      try {
        return await pRetry(
          async () => {
            attempts++;
            try {
              return await fn(attempts);
            } catch (error) {
              const failure = classify(error);
              if (!failure.retry) throw new AbortError(error as Error);
              refused = failure.cause === 'ECONNREFUSED' ? refused + 1 : 0;
              if (refused >= resolved.refusedAttempts) throw new AbortError(error as Error);
              throw error;
            }
          },
          {
            retries: resolved.retries,
            minTimeout: resolved.minTimeoutMs,
            maxTimeout: resolved.maxTimeoutMs,
            factor: 2,
            randomize: true,
            maxRetryTime: resolved.maxRetryTimeMs,
            onFailedAttempt: async ({ error, attemptNumber, retriesLeft, retryDelay }) => {
              if (retriesLeft <= 0) return;
              const failure = classify(error);
              const extra = failure.retryAfterMs === undefined ? 0 : Math.min(failure.retryAfterMs, resolved.maxRetryAfterMs) - retryDelay;
              logger.info(
                `${operation}: ${failure.cause}; retrying in ${Math.round(retryDelay + Math.max(0, extra))} ms (attempt ${attemptNumber + 1} of ${resolved.retries + 1})`,
              );
              // honour Retry-After on 429: wait out whatever the backoff does not already cover
              if (extra > 0) await sleep(extra);
            },
            shouldRetry: () => true,
          },
        );
      } catch (error) {
        const failure = classify(error);
        if (!failure.retry) throw error;
        throw new ReleaseError('REGISTRY_UNAVAILABLE', `${operation} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${failure.cause}.`, {
          hint:
            failure.cause === 'ECONNREFUSED'
              ? 'nothing accepts connections at the registry address: check the registry host and port (and --plain-http), or re-run once it is up'
              : 'the registry is unavailable or overloaded; re-run the release later (finished charts are not pushed again)',
          cause: error,
          details: { attempts, cause: failure.cause },
        });
      }
    },
  };
}
