import { ReleaseError, type ErrorCode } from '@chart-release/core';

/**
 * A registry answered with a status the caller did not expect; keeps what is needed to decide on a retry. It is a
 * ReleaseError with a code for its status, so a failure nobody handles still reaches the user as a coded problem
 * with a fix (a 400 is the registry refusing the request, not a bug).
 */
export class RegistryHttpError extends ReleaseError {
  readonly status: number;
  readonly method: string;
  readonly url: string;
  /** Milliseconds from a `Retry-After` header, when the registry sent one. */
  readonly retryAfterMs?: number;
  /** The OCI error codes from the body (`MANIFEST_UNKNOWN`, `DENIED`, ...). */
  readonly ociErrors: string[];

  constructor(method: string, url: string, status: number, detail: { retryAfterMs?: number; ociErrors?: string[]; body?: string } = {}) {
    const codes = detail.ociErrors?.length ? ` (${detail.ociErrors.join(', ')})` : '';
    super(registryStatusCode(status), `${method} ${url} answered ${status}${codes}`, {
      hint: registryStatusHint(status),
      details: { method, url, status, ...(detail.ociErrors?.length ? { registryErrors: detail.ociErrors } : {}) },
    });
    this.name = 'RegistryHttpError';
    this.status = status;
    this.method = method;
    this.url = url;
    this.retryAfterMs = detail.retryAfterMs;
    this.ociErrors = detail.ociErrors ?? [];
  }
}

/** The code of a registry HTTP status: refused access, a retryable failure, or a request refused for good. */
export function registryStatusCode(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'REGISTRY_AUTH_FAILED';
  if (status >= 500 || status === 408 || status === 429) return 'REGISTRY_UNAVAILABLE';
  return 'REGISTRY_REQUEST_REJECTED';
}

function registryStatusHint(status: number): string {
  if (status === 401 || status === 403) return 'log in with credentials that may push to this repository (--username/--password-stdin or the environment)';
  if (status >= 500 || status === 408 || status === 429) return 're-run later; finished charts are not pushed again';
  if (status === 404) return 'check the registry address and repository path (and that the chart was pushed)';
  if (status === 413) return 'the registry limits the upload size: raise its limit or shrink the chart';
  return "the registry refused the request as it is: read its error above, and check the registry's settings (allowed media types, tag policy, quotas)";
}

/** A request that never got an answer: a reset connection, a refused connection or a timeout. */
export class RegistryNetworkError extends Error {
  readonly code: string;
  readonly method: string;
  readonly url: string;

  constructor(method: string, url: string, code: string, cause: unknown) {
    super(`${method} ${url} failed: ${code}`, { cause });
    this.name = 'RegistryNetworkError';
    this.code = code;
    this.method = method;
    this.url = url;
  }
}

/** Builds a RegistryHttpError from a response, reading its OCI error body and `Retry-After`. */
export async function httpErrorFrom(method: string, url: string, response: Response): Promise<RegistryHttpError> {
  const body = await response.text().catch(() => '');
  let ociErrors: string[] = [];
  try {
    const parsed = JSON.parse(body) as { errors?: { code?: string; message?: string }[] };
    ociErrors = (parsed.errors ?? []).map((e) => [e.code, e.message].filter(Boolean).join(': '));
  } catch {
    // not a JSON error body
  }
  return new RegistryHttpError(method, url, response.status, { retryAfterMs: parseRetryAfter(response.headers.get('retry-after')), ociErrors, body });
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 section 10.2.3). */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH',
]);

/** The transient network failure code in an error's cause chain (`ECONNRESET`, `TIMEOUT`, ...), if any. */
export function networkFailureCode(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; name?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
    if (e.name === 'TimeoutError') return 'TIMEOUT';
    if (typeof e !== 'object') break;
  }
  return undefined;
}
