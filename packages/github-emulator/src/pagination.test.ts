import { describe, expect, it } from 'vitest';
import { paginate } from './pagination.ts';

const items = Array.from({ length: 250 }, (_, i) => i);

describe('paginate', () => {
  it('serves 30 per page by default with next and last links', () => {
    const page = paginate(items, new URL('http://127.0.0.1:1/repos/o/r/releases'));
    expect(page.items).toEqual(items.slice(0, 30));
    expect(page.link).toBe(
      '<http://127.0.0.1:1/repos/o/r/releases?per_page=30&page=2>; rel="next", <http://127.0.0.1:1/repos/o/r/releases?per_page=30&page=9>; rel="last"',
    );
  });

  it('caps per_page at 100 and keeps other query parameters in the links', () => {
    const page = paginate(items, new URL('http://h/x?state=all&per_page=500&page=2'));
    expect(page.items).toEqual(items.slice(100, 200));
    expect(page.link).toContain('<http://h/x?state=all&per_page=100&page=3>; rel="next"');
    expect(page.link).toContain('rel="prev"');
    expect(page.link).toContain('<http://h/x?state=all&per_page=100&page=1>; rel="first"');
  });

  it('has no next link on the last page and no link at all for a single page', () => {
    expect(paginate(items, new URL('http://h/x?per_page=100&page=3')).link).not.toContain('rel="next"');
    expect(paginate([1, 2], new URL('http://h/x')).link).toBeUndefined();
    expect(paginate([], new URL('http://h/x')).items).toEqual([]);
  });
});
