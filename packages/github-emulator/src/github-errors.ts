/**
 * GitHub's error responses: `{message, documentation_url, status}` and, for 422, `errors[]` with a resource, a field
 * and a code (`missing_field`, `invalid`, `already_exists`, ...).
 * https://docs.github.com/en/rest/using-the-rest-api/troubleshooting-the-rest-api
 */
export interface GitHubErrorDetail {
  resource: string;
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  field?: string;
  message?: string;
}

export const DOCS = 'https://docs.github.com/rest';

/** A response with GitHub's status and error body; thrown by route handlers. */
export class GitHubHttpError extends Error {
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, extra: { errors?: GitHubErrorDetail[]; documentation_url?: string; headers?: Record<string, string> } = {}) {
    super(message);
    this.name = 'GitHubHttpError';
    this.status = status;
    this.headers = extra.headers ?? {};
    this.body = {
      message,
      ...(extra.errors ? { errors: extra.errors } : {}),
      documentation_url: extra.documentation_url ?? DOCS,
      status: String(status),
    };
  }
}

export function notFound(): GitHubHttpError {
  return new GitHubHttpError(404, 'Not Found');
}

/** 422 Validation Failed with one detail, e.g. `already_exists` on `tag_name`. */
export function validationFailed(resource: string, code: GitHubErrorDetail['code'], field?: string, message?: string): GitHubHttpError {
  return new GitHubHttpError(422, 'Validation Failed', { errors: [{ resource, code, ...(field ? { field } : {}), ...(message ? { message } : {}) }] });
}

export function badCredentials(): GitHubHttpError {
  return new GitHubHttpError(401, 'Bad credentials');
}

export function requiresAuthentication(): GitHubHttpError {
  return new GitHubHttpError(401, 'Requires authentication');
}
