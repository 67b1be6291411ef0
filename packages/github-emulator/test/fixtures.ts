import { Octokit } from '@octokit/rest';
import type { EmulatorSeed, GitHubEmulator } from '../src/index.ts';

export const OWNER = 'acme';
export const REPO = 'charts';
export const MERGE_SHA = 'b'.repeat(40);
export const HEAD_SHA = 'a'.repeat(40);

/** A chart repository with two commits and a merged pull request that has a review and a bot comment. */
export function chartRepoSeed(): EmulatorSeed {
  return {
    repos: [
      {
        owner: OWNER,
        name: REPO,
        commits: [
          { message: 'Add app chart' },
          { sha: HEAD_SHA, message: 'Bump app to 1.1.0', author: { login: 'alice' } },
          { sha: MERGE_SHA, message: 'Merge pull request #7 from acme/bump' },
        ],
        pulls: [
          {
            number: 7,
            title: 'Bump app to 1.1.0',
            body: 'Raises the chart version.',
            head: { sha: HEAD_SHA, ref: 'bump' },
            base: { ref: 'main' },
            merged: true,
            merge_commit_sha: MERGE_SHA,
            user: { login: 'alice' },
            comments: [{ body: 'Looks good', user: { login: 'github-actions[bot]', type: 'Bot' } }],
            reviews: [{ user: { login: 'bob' }, state: 'APPROVED' }],
          },
        ],
      },
    ],
  };
}

/** An Octokit against the emulator, configured as on GitHub Enterprise Server (baseUrl = GITHUB_API_URL). */
export function octokitFor(emulator: GitHubEmulator, options: { auth?: string | null } = {}): Octokit {
  return new Octokit({ baseUrl: emulator.url, auth: options.auth === null ? undefined : (options.auth ?? emulator.token), log: quiet });
}

export const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** The emulator's upload_url, as octokit's uploadReleaseAsset takes it (`url` overrides uploads.github.com). */
export function uploadParams(release: { upload_url: string; id: number }) {
  return { url: release.upload_url, owner: OWNER, repo: REPO, release_id: release.id };
}
