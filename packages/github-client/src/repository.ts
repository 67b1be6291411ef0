import { ReleaseError } from '@chart-release/core';

/** A GitHub repository, as the REST API addresses it. */
export interface RepositoryRef {
  owner: string;
  repo: string;
}

/** Parses `owner/name` (as in `$GITHUB_REPOSITORY`); anything else is a REPOSITORY_INVALID error. */
export function parseRepository(value: string): RepositoryRef {
  const match = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/.exec(value.trim());
  if (!match || match[2] === '.' || match[2] === '..') {
    throw new ReleaseError('REPOSITORY_INVALID', `'${value}' is not a GitHub repository in the form owner/name.`, {
      hint: 'pass --repo owner/name, or run in GitHub Actions where GITHUB_REPOSITORY is set.',
    });
  }
  return { owner: match[1]!, repo: match[2]! };
}

export function formatRepository(ref: RepositoryRef): string {
  return `${ref.owner}/${ref.repo}`;
}
