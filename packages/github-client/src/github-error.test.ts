import { ReleaseError } from '@chart-release/core';
import { describe, expect, it } from 'vitest';
import { describeGitHubError } from './github-error.ts';

/** What Octokit's RequestError carries: the status and GitHub's JSON answer. */
const requestError = (status: number, data: Record<string, unknown>) => Object.assign(new Error(String(data.message)), { status, response: { status, data } });

describe('describeGitHubError', () => {
  it('names the field of a 422 and the fix for it', () => {
    const error = describeGitHubError(
      requestError(422, { message: 'Validation Failed', errors: [{ resource: 'Release', code: 'invalid', field: 'target_commitish' }] }),
      { doing: 'creating the draft release web-v1.0.0', chart: 'web', repository: 'acme/charts' },
    );
    expect(error).toMatchObject({ code: 'GITHUB_REQUEST_REJECTED', chart: 'web', details: { status: 422, repository: 'acme/charts' } });
    expect(error.message).toBe('creating the draft release web-v1.0.0 failed (HTTP 422): Validation Failed (Release target_commitish invalid).');
    expect(error.hint).toContain('push it first');
  });

  it('tells a taken tag from an invalid one', () => {
    const taken = describeGitHubError(
      requestError(422, { message: 'Validation Failed', errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }] }),
      {
        doing: 'x',
      },
    );
    const invalid = describeGitHubError(
      requestError(422, { message: 'Validation Failed', errors: [{ resource: 'Release', code: 'invalid', field: 'tag_name' }] }),
      {
        doing: 'x',
      },
    );
    expect(taken.hint).toContain('bump the chart version');
    expect(invalid.hint).toContain('tag template');
  });

  it('maps 401, 403, a rate limit, 404, 5xx and a network failure to their codes', () => {
    const code = (error: unknown) => describeGitHubError(error, { doing: 'x', permission: 'contents: write' }).code;
    expect(code(requestError(401, { message: 'Bad credentials' }))).toBe('GITHUB_AUTH_FAILED');
    expect(code(requestError(403, { message: 'Resource not accessible by integration' }))).toBe('GITHUB_AUTH_FAILED');
    expect(code(requestError(403, { message: 'API rate limit exceeded for installation' }))).toBe('GITHUB_UNAVAILABLE');
    expect(code(requestError(404, { message: 'Not Found' }))).toBe('GITHUB_NOT_FOUND');
    expect(code(requestError(502, { message: 'Bad Gateway' }))).toBe('GITHUB_UNAVAILABLE');
    expect(code(new TypeError('fetch failed'))).toBe('GITHUB_UNAVAILABLE');
    expect(code(requestError(409, { message: 'Conflict' }))).toBe('GITHUB_REQUEST_FAILED');
    expect(describeGitHubError(requestError(403, { message: 'Forbidden' }), { doing: 'x', permission: 'contents: write' }).hint).toContain('contents: write');
  });

  it('passes a ReleaseError through', () => {
    const error = new ReleaseError('LEASE_HELD', 'held');
    expect(describeGitHubError(error, { doing: 'x' })).toBe(error);
  });
});
