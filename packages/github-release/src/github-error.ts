import { isReleaseError, ReleaseError } from '@chart-release/core';

/**
 * A failed GitHub request as a ReleaseError that says what to do: the token for 401, permissions for 403/404, a
 * re-run otherwise. ReleaseErrors pass through unchanged.
 */
export function describeGitHubError(error: unknown, chart: string | undefined, doing: string): ReleaseError {
  if (isReleaseError(error)) return error;
  const status = (error as { status?: number }).status;
  const message = (error as Error).message;
  const hint =
    status === 401
      ? 'the GitHub token is missing, expired or invalid; set GITHUB_TOKEN (and GITHUB_API_URL on GitHub Enterprise Server).'
      : status === 403 || status === 404
        ? "the token cannot see or write this repository's releases; give the workflow 'contents: write' permission and check the repository name."
        : 're-run: what was already done is kept and the rest is completed.';
  return new ReleaseError(
    status === 401 || status === 403 ? 'GITHUB_AUTH_FAILED' : 'GITHUB_REQUEST_FAILED',
    `${doing} failed${status ? ` (HTTP ${status})` : ''}: ${message}`,
    {
      chart,
      hint,
      cause: error,
    },
  );
}
