import { ReleaseError } from '@chart-release/core';

/** The HTTP status of an Octokit RequestError, if it is one. */
export function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/** A failed GitHub request as a ReleaseError that says which request, what the status means and what to do. */
export function githubFailure(error: unknown, request: string, repository: string): ReleaseError {
  if (error instanceof ReleaseError) return error;
  const status = statusOf(error);
  const reason = (error as Error)?.message ?? String(error);
  const details = { request, repository, ...(status ? { status } : {}) };
  if (status === 401) {
    return new ReleaseError('GITHUB_AUTH_FAILED', `${request} was refused (401): the token is missing, expired or invalid.`, {
      details,
      cause: error,
      hint: 'set GITHUB_TOKEN to a token that can read the repository (contents: read, pull-requests: read)',
    });
  }
  if (status === 404 || status === 403) {
    return new ReleaseError('GITHUB_NOT_FOUND', `${request} failed (${status}): ${repository} does not exist or the token cannot read it.`, {
      details,
      cause: error,
      hint: 'check the repository name and that the token has pull-requests: read on it',
    });
  }
  return new ReleaseError('GITHUB_REQUEST_FAILED', `${request} failed${status ? ` (${status})` : ''}: ${reason}`, {
    details,
    cause: error,
    hint: status === 422 ? 'check that the commit exists in the repository' : 'retry later; GitHub may be unavailable',
  });
}
