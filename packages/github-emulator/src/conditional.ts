import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { RouteResponse } from './routes-context.ts';

/**
 * Conditional requests as GitHub answers them: a JSON `GET` gets a weak `ETag` (and `Last-Modified` when the
 * resource has an `updated_at`); `If-None-Match` with that tag, or `If-Modified-Since` not before it, gets 304
 * with no body. https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate
 */
export function withValidators(response: RouteResponse, authenticated: boolean): RouteResponse {
  if (response.status !== 200 || response.body === undefined) return response;
  const etag = `W/"${createHash('sha256').update(JSON.stringify(response.body)).digest('hex')}"`;
  const updated = (response.body as { updated_at?: unknown }).updated_at;
  const headers: Record<string, string> = {
    ...response.headers,
    etag,
    'cache-control': `${authenticated ? 'private' : 'public'}, max-age=60, s-maxage=60`,
    vary: 'Accept, Authorization, Cookie, X-GitHub-OTP',
  };
  if (typeof updated === 'string' && !Number.isNaN(Date.parse(updated))) headers['last-modified'] = new Date(updated).toUTCString();
  return { ...response, headers };
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
  const modified = response.headers?.['last-modified'];
  return since !== undefined && modified !== undefined && Date.parse(modified) <= Date.parse(since);
}
