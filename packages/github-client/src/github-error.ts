import { isReleaseError, ReleaseError, type ErrorCode } from '@chart-release/core';

/** What was being done when a GitHub request failed, for the message and the fix. */
export interface GitHubFailureContext {
  /** In words or as the request: `creating the draft release web-v1.0.0`, `GET /repos/o/r/commits/x/pulls`. */
  doing: string;
  chart?: string;
  /** `owner/name`. */
  repository?: string;
  /** The token permission the request needs, for 403/404 fixes: `contents: write`, `pull-requests: read`. */
  permission?: string;
}

/** One entry of a 422's `errors` (https://docs.github.com/rest/overview/resources-in-the-rest-api#client-errors). */
interface ValidationDetail {
  resource?: string;
  field?: string;
  code?: string;
  message?: string;
}

/** The HTTP status of an Octokit RequestError (or any error carrying one), if any. */
export function gitHubStatus(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The one mapping from a failed GitHub request to a coded ReleaseError with a fix: 401 and 403 `GITHUB_AUTH_FAILED`
 * (403 for a rate limit `GITHUB_UNAVAILABLE`), 404 `GITHUB_NOT_FOUND`, 422 `GITHUB_REQUEST_REJECTED` naming the
 * field GitHub refused, 5xx and network failures `GITHUB_UNAVAILABLE`, anything else `GITHUB_REQUEST_FAILED`.
 * ReleaseErrors pass through unchanged.
 */
export function describeGitHubError(error: unknown, context: GitHubFailureContext): ReleaseError {
  if (isReleaseError(error)) return error;
  const status = gitHubStatus(error);
  const data = (error as { response?: { data?: { message?: string; errors?: ValidationDetail[] } } }).response?.data;
  const reason = data?.message ?? (error as Error)?.message ?? String(error);
  const { code, hint } = classify(status, reason, data?.errors ?? [], context);
  const details = (data?.errors ?? []).map(describeDetail).filter(Boolean);
  return new ReleaseError(
    code,
    `${context.doing} failed${status ? ` (HTTP ${status})` : ''}: ${firstLine(reason)}${details.length ? ` (${details.join('; ')})` : ''}.`,
    {
      chart: context.chart,
      hint,
      cause: error,
      details: { doing: context.doing, ...(status ? { status } : {}), ...(context.repository ? { repository: context.repository } : {}) },
    },
  );
}

function classify(status: number | undefined, reason: string, errors: ValidationDetail[], context: GitHubFailureContext): { code: ErrorCode; hint: string } {
  const repository = context.repository ?? 'the repository';
  const permission = context.permission ? ` (${context.permission})` : '';
  if (status === 401)
    return {
      code: 'GITHUB_AUTH_FAILED',
      hint: 'the GitHub token is missing, expired or invalid: set GITHUB_TOKEN (and GITHUB_API_URL on GitHub Enterprise Server)',
    };
  if (status === 403 && /rate limit/i.test(reason))
    return { code: 'GITHUB_UNAVAILABLE', hint: 'GitHub rate-limited the token: re-run later; what was done is kept' };
  if (status === 403)
    return {
      code: 'GITHUB_AUTH_FAILED',
      hint: `the token may not do this on ${repository}: give the workflow the permission${permission || 's the job needs (contents: write)'}`,
    };
  if (status === 404)
    return {
      code: 'GITHUB_NOT_FOUND',
      hint: `check the repository name (--repo, GITHUB_REPOSITORY) and that the token can see ${repository}${permission}`,
    };
  if (status === 422) return { code: 'GITHUB_REQUEST_REJECTED', hint: rejectionHint(errors, reason) };
  if (status === undefined || status >= 500 || status === 429)
    return { code: 'GITHUB_UNAVAILABLE', hint: 'GitHub is unreachable or failing: re-run later; what was done is kept and the rest is completed' };
  return { code: 'GITHUB_REQUEST_FAILED', hint: "read GitHub's answer above; re-run to finish the job" };
}

/** The fix for a 422, from the field GitHub names. */
function rejectionHint(errors: ValidationDetail[], reason: string): string {
  const detail = errors[0];
  if (detail?.field === 'target_commitish' || /no commit found/i.test(reason))
    return 'the commit is not in the repository on GitHub: push it first, or release a commit that is (--target, GITHUB_SHA)';
  if (detail?.code === 'already_exists' && detail.field === 'tag_name')
    return 'a release with this tag exists already: bump the chart version, or delete the stray release and re-run';
  if (detail?.code === 'already_exists') return `a ${detail.resource ?? 'resource'} with this ${detail.field ?? 'name'} exists already: re-run to reuse it`;
  if (detail?.field === 'tag_name') return 'the tag is not a valid git ref name: check the tag template (release.tagTemplate, --tag-template)';
  if (/fast forward/i.test(reason)) return 'the branch moved while it was written: re-run, which starts from its new head';
  return 'GitHub refused the request as invalid: read its reason above and correct the input it names; re-running the same input fails again';
}

function describeDetail(detail: ValidationDetail): string {
  return detail.message ?? [detail.resource, detail.field, detail.code].filter(Boolean).join(' ');
}

function firstLine(text: string): string {
  return text.split('\n').filter(Boolean).join(' ').replace(/\.$/, '');
}
