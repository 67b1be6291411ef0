import { registerSecret, silentLogger, type Logger } from '@chart-release/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';

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
     */
    writeIntervalMs?: number;
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
    baseUrl: (options.baseUrl ?? env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'chart-release',
    log: {
      debug: (message: string) => log.debug(message),
      info: (message: string) => log.debug(message),
      warn: (message: string) => log.warn(message),
      error: (message: string) => log.error(message),
    },
    retry: { retries: options.retries ?? 3, retryAfterBaseValue: unit },
    throttle: {
      onRateLimit: onLimit('primary'),
      onSecondaryRateLimit: onLimit('secondary'),
      retryAfterBaseValue: unit,
      // our own limiter groups only when the pacing differs from the plugin's, which shares its own per process
      ...(writeInterval === undefined
        ? {}
        : {
            write: new Bottleneck.Group({ maxConcurrent: 1, minTime: writeInterval }),
            notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: writeInterval * 3 }),
          }),
    },
  });
}
