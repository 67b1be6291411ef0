import { GitHubHttpError } from './github-errors.ts';
import type { SchemaProblem } from './openapi.ts';

/**
 * GitHub's 422 for a request its schema rejects, e.g. `Invalid request.\n\n"tag_name" wasn't supplied.` or
 * `Invalid request.\n\nFor 'properties/draft', "yes" is not a boolean.`
 */
export function invalidRequest(problems: SchemaProblem[], body: unknown, query: URLSearchParams): GitHubHttpError {
  const lines = [...new Set(problems.map((p) => describe(p, body, query)))];
  return new GitHubHttpError(422, `Invalid request.\n\n${lines.join('\n')}`, { documentation_url: 'https://docs.github.com/rest' });
}

function describe(problem: SchemaProblem, body: unknown, query: URLSearchParams): string {
  const [where, ...rest] = problem.path.replace(/^\//, '').split('/');
  if (problem.keyword === 'required') {
    return `"${String(problem.params.missingProperty)}" wasn't supplied.`;
  }
  const field = rest.join('/');
  const value = where === 'requestBody' ? valueAt(body, rest) : where === 'query' ? query.get(rest[0] ?? '') : undefined;
  const shown = JSON.stringify(value);
  if (problem.keyword === 'type') return `For 'properties/${field}', ${shown} is not ${article(String(problem.params.type))}.`;
  if (problem.keyword === 'enum') return `For 'properties/${field}', ${shown} is not a member of ${JSON.stringify(problem.params.allowedValues)}.`;
  if (problem.keyword === 'additionalProperties') return `"${String(problem.params.additionalProperty)}" is not a permitted key.`;
  return `For '${where}${field ? `/${field}` : ''}', ${shown ?? 'the value'} ${problem.message}.`;
}

function valueAt(body: unknown, path: string[]): unknown {
  let current = body;
  for (const key of path) current = current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
  return current;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
