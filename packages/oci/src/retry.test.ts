import { memoryLogger, ReleaseError } from '@chart-release/core';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter, RegistryHttpError, RegistryNetworkError } from './http-error.ts';
import { classifyFailure, retryPolicy } from './retry.ts';

const http = (status: number, retryAfterMs?: number) => new RegistryHttpError('PUT', 'http://r/v2/x/manifests/1', status, { retryAfterMs });
const FAST = { minTimeoutMs: 1, maxTimeoutMs: 2, retries: 4 };

describe('retry classification', () => {
  it.each([500, 502, 503, 504, 408, 429])('retries HTTP %i', (status) => {
    expect(classifyFailure(http(status)).retry).toBe(true);
  });

  it.each([400, 401, 403, 404, 405, 409, 413])('never retries HTTP %i', (status) => {
    expect(classifyFailure(http(status)).retry).toBe(false);
  });

  it('retries resets, refusals and timeouts found anywhere in the cause chain', () => {
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    expect(classifyFailure(reset)).toEqual({ retry: true, cause: 'ECONNRESET' });
    expect(classifyFailure(new RegistryNetworkError('GET', 'u', 'UND_ERR_SOCKET', undefined)).retry).toBe(true);
    expect(classifyFailure(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' }))).toEqual({
      retry: true,
      cause: 'TIMEOUT',
    });
  });

  it('never retries a ReleaseError or a plain bug', () => {
    expect(classifyFailure(new ReleaseError('REGISTRY_AUTH_FAILED', 'no')).retry).toBe(false);
    expect(classifyFailure(new TypeError('x is undefined')).retry).toBe(false);
  });

  it('carries Retry-After of a 429, in seconds or as a date', () => {
    expect(classifyFailure(http(429, 2000))).toMatchObject({ retry: true, retryAfterMs: 2000 });
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('the retry policy', () => {
  it('retries transient failures, logging each with its cause, and returns the result', async () => {
    const logger = memoryLogger();
    const failures = [http(503), http(429, 30), new RegistryNetworkError('PUT', 'u', 'ECONNRESET', undefined)];
    let calls = 0;
    const result = await retryPolicy(FAST, logger).run('PUT manifest web-app:1.0.0', async () => {
      calls++;
      const failure = failures.shift();
      if (failure) throw failure;
      return 'sha256:done';
    });
    expect(result).toBe('sha256:done');
    expect(calls).toBe(4);
    expect(logger.lines).toHaveLength(3);
    expect(logger.lines[0]).toMatch(/^PUT manifest web-app:1.0.0: HTTP 503; retrying in \d+ ms \(attempt 2 of 5\)$/);
    // the 429's Retry-After (30 ms) is longer than the backoff, so it sets the wait
    expect(logger.lines[1]).toContain('HTTP 429; retrying in 30 ms');
    expect(logger.lines[2]).toContain('ECONNRESET; retrying in');
  });

  it('stops at the first 404 without retrying', async () => {
    let calls = 0;
    await expect(
      retryPolicy(FAST).run('GET manifest', async () => {
        calls++;
        throw http(404);
      }),
    ).rejects.toBeInstanceOf(RegistryHttpError);
    expect(calls).toBe(1);
  });

  it('stops at a 400 with a coded error that names the fix, the way the user sees it', async () => {
    let calls = 0;
    const rejected = new RegistryHttpError('PUT', 'http://r/v2/x/manifests/1', 400, { ociErrors: ['MANIFEST_INVALID: manifest invalid'] });
    const error = await retryPolicy(FAST)
      .run('PUT manifest', async () => {
        calls++;
        throw rejected;
      })
      .catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(error).toBeInstanceOf(ReleaseError);
    expect(error).toMatchObject({ code: 'REGISTRY_REQUEST_REJECTED', status: 400, hint: expect.stringContaining("registry's settings") });
    expect((error as ReleaseError).message).toContain('MANIFEST_INVALID: manifest invalid');
    expect(http(403).code).toBe('REGISTRY_AUTH_FAILED');
    expect(http(503).code).toBe('REGISTRY_UNAVAILABLE');
  });

  it('gives up after its retries with REGISTRY_UNAVAILABLE naming the last cause', async () => {
    let calls = 0;
    const error = await retryPolicy(FAST)
      .run('HEAD blob', async () => {
        calls++;
        throw http(502);
      })
      .catch((e: unknown) => e);
    expect(calls).toBe(5);
    expect(error).toMatchObject({ code: 'REGISTRY_UNAVAILABLE', message: 'HEAD blob failed after 5 attempts: HTTP 502.' });
  });

  it('stops after three refused connections in a row, naming the address as the likely cause', async () => {
    let calls = 0;
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const error = await retryPolicy(FAST)
      .run('GET /v2/', async () => {
        calls++;
        throw new TypeError('fetch failed', { cause: refused });
      })
      .catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(error).toMatchObject({
      code: 'REGISTRY_UNAVAILABLE',
      message: 'GET /v2/ failed after 3 attempts: ECONNREFUSED.',
      hint: expect.stringContaining('host and port'),
    });
    // a refusal between other failures is an outage in progress: the full budget applies
    calls = 0;
    await retryPolicy(FAST)
      .run('GET /v2/', async () => {
        calls++;
        if (calls < 5) throw calls % 2 ? new TypeError('fetch failed', { cause: refused }) : http(503);
      })
      .catch(() => {});
    expect(calls).toBe(5);
  });

  it('lets a caller decide what is retried for one operation', async () => {
    let calls = 0;
    await retryPolicy(FAST).run(
      'helm push',
      async () => {
        if (++calls < 3) throw new Error('helm: 503');
      },
      () => ({ retry: true, cause: 'helm said 503' }),
    );
    expect(calls).toBe(3);
  });
});
