import { registerSecret, type Logger } from '@chart-release/core';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

const ReadOctokit = Octokit.plugin(retry, throttling);

/**
 * The CLI's Octokit: retries 5xx and network errors, honours primary and secondary rate limits up to three times.
 * The library functions take any Octokit; the release app passes its own.
 */
export function createCliOctokit(options: { token?: string; baseUrl: string; logger: Logger }): Octokit {
  registerSecret(options.token);
  const { logger } = options;
  const onLimit = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    const retrying = retryCount < 3;
    logger.warn(`GitHub ${kind} rate limit on ${request.method} ${request.url}; ${retrying ? `retrying in ${retryAfter}s` : 'giving up'}`);
    return retrying;
  };
  return new ReadOctokit({
    auth: options.token,
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    userAgent: 'chart-release-attestation-map',
    log: { debug: (m: string) => logger.debug(m), info: (m: string) => logger.debug(m), warn: (m: string) => logger.warn(m), error: (m: string) => logger.error(m) },
    throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
  });
}
