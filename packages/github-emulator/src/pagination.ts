/**
 * Page-number pagination as GitHub does it: `per_page` (default 30, at most 100), `page` (from 1) and a `Link`
 * header with `prev`, `next`, `first` and `last`.
 * https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api
 */
export interface Page<T> {
  items: T[];
  link?: string;
}

export function paginate<T>(items: T[], requestUrl: URL): Page<T> {
  const perPage = Math.min(100, Math.max(1, Number(requestUrl.searchParams.get('per_page')) || 30));
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const page = Math.max(1, Number(requestUrl.searchParams.get('page')) || 1);
  const slice = items.slice((page - 1) * perPage, page * perPage);
  const at = (n: number) => {
    const url = new URL(requestUrl);
    url.searchParams.set('per_page', String(perPage));
    url.searchParams.set('page', String(n));
    return url.toString();
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${at(Math.min(page - 1, lastPage))}>; rel="prev"`);
  if (page < lastPage) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(lastPage)}>; rel="last"`);
  if (page > 1) links.push(`<${at(1)}>; rel="first"`);
  return { items: slice, link: links.length ? links.join(', ') : undefined };
}
