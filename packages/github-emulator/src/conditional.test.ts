import { describe, expect, it } from 'vitest';
import { notModified, withValidators } from './conditional.ts';

describe('conditional requests', () => {
  const response = withValidators({ status: 200, body: { id: 1, updated_at: '2026-01-02T03:04:05Z' } }, true);

  it('tags a JSON response and dates it from updated_at', () => {
    expect(response.headers?.etag).toMatch(/^W\/"[0-9a-f]{64}"$/);
    expect(response.headers?.['last-modified']).toBe('Fri, 02 Jan 2026 03:04:05 GMT');
    expect(response.headers?.['cache-control']).toBe('private, max-age=60, s-maxage=60');
    expect(withValidators({ status: 204 }, true).headers).toBeUndefined();
    expect(withValidators({ status: 200, body: [] }, false, new Date(0)).headers?.['last-modified']).toBe('Thu, 01 Jan 1970 00:00:00 GMT');
  });

  it('is not modified for a matching tag (weak or strong) or a date not before the change', () => {
    const etag = response.headers!.etag!;
    expect(notModified({ 'if-none-match': etag }, response)).toBe(true);
    expect(notModified({ 'if-none-match': `"x", ${etag.slice(2)}` }, response)).toBe(true);
    expect(notModified({ 'if-none-match': 'W/"other"' }, response)).toBe(false);
    expect(notModified({ 'if-modified-since': 'Fri, 02 Jan 2026 03:04:05 GMT' }, response)).toBe(true);
    expect(notModified({ 'if-modified-since': 'Fri, 02 Jan 2026 03:04:04 GMT' }, response)).toBe(false);
    expect(notModified({}, response)).toBe(false);
  });
});
