import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RouteResponse } from './routes-context.ts';

/**
 * Conditional requests as GitHub answers them: a successful answer with a body gets a weak `ETag` and a
 * `Last-Modified` (the resource's `updated_at`, the newest of a list's, else now); on a GET, `If-None-Match` with
 * that tag, or `If-Modified-Since` not before a real `updated_at`, gets 304 with no body.
 * https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate
 */
export function withValidators(response: RouteResponse, authenticated: boolean, now = new Date()): RouteResponse {
  if ((response.status !== 200 && response.status !== 201) || (response.body === undefined && response.bytes === undefined)) return response;
  const content = response.bytes ?? Buffer.from(JSON.stringify(response.body));
  const etag = `W/"${createHash('sha256').update(content).digest('hex')}"`;
  const updated = updatedAt(response.body);
  return {
    ...response,
    headers: {
      ...response.headers,
      etag,
      'last-modified': (updated ?? now).toUTCString(),
      'cache-control': `${authenticated ? 'private' : 'public'}, max-age=60, s-maxage=60`,
      vary: 'Accept, Authorization, Cookie, X-GitHub-OTP',
    },
  };
}

/** The `updated_at` of a resource, or the newest of a list's items; undefined when there is none. */
function updatedAt(body: unknown): Date | undefined {
  const dates = (Array.isArray(body) ? body : [body])
    .map((item) => (item && typeof item === 'object' ? (item as { updated_at?: unknown }).updated_at : undefined))
    .filter((v): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v)))
    .map((v) => Date.parse(v));
  return dates.length ? new Date(Math.max(...dates)) : undefined;
}

/** Whether the request's validators match the response's, so the answer is 304 Not Modified. */
export function notModified(request: IncomingHttpHeaders, response: RouteResponse): boolean {
  const etag = response.headers?.etag;
  if (!etag) return false;
  const ifNoneMatch = request['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const weak = (tag: string) => tag.trim().replace(/^W\//, '');
    return ifNoneMatch === '*' || ifNoneMatch.split(',').some((tag) => weak(tag) === weak(etag));
  }
  const since = request['if-modified-since'];
  const updated = updatedAt(response.body);
  return since !== undefined && updated !== undefined && Math.floor(updated.getTime() / 1000) * 1000 <= Date.parse(since);
}
