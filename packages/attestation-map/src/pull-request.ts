import { ReleaseError, silentLogger, type Logger } from '@chart-release/core';
import type { Octokit } from '@octokit/rest';
import { describeGitHubError } from '@chart-release/github-client';
import type { Approval, MergedPullRequest } from './types.ts';

/** The fields of a pull request from `GET /repos/{o}/{r}/commits/{sha}/pulls` that selection reads. */
export interface PullRequestCandidate {
  number: number;
  html_url: string;
  title: string;
  body: string | null;
  user: { login: string } | null;
  merged_at: string | null;
  merge_commit_sha: string | null;
  head: { sha: string };
  base: { ref: string };
}

export interface FindPullRequestOptions {
  owner: string;
  repo: string;
  sha: string;
  /** Prefer pull requests merged into this branch (the release branch) when several match. */
  baseBranch?: string;
  logger?: Logger;
}

/**
 * Chooses the merged pull request that brought `sha`, deterministically:
 * 1. merged pull requests only; 2. those whose merge commit is `sha` before those whose head is `sha`;
 * 3. those merged into `baseBranch` first (when given); 4. the most recently merged; 5. the highest number.
 * Returns the choice and the other matches, in that order.
 */
export function choosePullRequest<T extends PullRequestCandidate>(candidates: T[], sha: string, baseBranch?: string): { chosen?: T; others: T[] } {
  const want = sha.toLowerCase();
  const rank = (pr: T) => (pr.merge_commit_sha?.toLowerCase() === want ? 0 : pr.head.sha.toLowerCase() === want ? 1 : 2);
  const matches = candidates.filter((pr) => pr.merged_at && rank(pr) < 2);
  matches.sort(
    (a, b) =>
      rank(a) - rank(b) ||
      Number(baseBranch !== undefined && b.base.ref === baseBranch) - Number(baseBranch !== undefined && a.base.ref === baseBranch) ||
      Date.parse(b.merged_at!) - Date.parse(a.merged_at!) ||
      b.number - a.number,
  );
  const [chosen, ...others] = matches;
  return { chosen, others };
}

/**
 * The merged pull request whose merge commit or head is `sha`, or undefined for a direct push.
 * Reads every page of `GET /repos/{owner}/{repo}/commits/{sha}/pulls`; when several match, logs which it chose.
 */
export async function findMergedPullRequest(octokit: Octokit, options: FindPullRequestOptions): Promise<MergedPullRequest | undefined> {
  const { pullRequest, ambiguity } = await locatePullRequest(octokit, options);
  if (ambiguity) (options.logger ?? silentLogger).warn(ambiguity);
  return pullRequest;
}

/** The chosen pull request and, when several matched, a sentence naming the others (for warnings). */
export async function locatePullRequest(octokit: Octokit, options: FindPullRequestOptions): Promise<{ pullRequest?: MergedPullRequest; ambiguity?: string }> {
  const { owner, repo, sha, baseBranch } = options;
  const logger = options.logger ?? silentLogger;
  let candidates: PullRequestCandidate[];
  try {
    candidates = (await octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, {
      owner,
      repo,
      commit_sha: sha,
      per_page: 100,
    })) as PullRequestCandidate[];
  } catch (error) {
    throw describeGitHubError(error, {
      doing: `GET /repos/${owner}/${repo}/commits/${sha}/pulls`,
      repository: `${owner}/${repo}`,
      permission: 'pull-requests: read',
    });
  }
  const { chosen, others } = choosePullRequest(candidates, sha, baseBranch);
  if (!chosen) {
    logger.debug(`no merged pull request has ${sha} as merge commit or head (${candidates.length} associated)`);
    return {};
  }
  const pullRequest: MergedPullRequest = {
    number: chosen.number,
    url: chosen.html_url,
    title: chosen.title,
    author: chosen.user?.login ?? null,
    baseRef: chosen.base.ref,
    headSha: chosen.head.sha,
    mergeCommitSha: chosen.merge_commit_sha,
    mergedAt: chosen.merged_at!,
    body: chosen.body,
  };
  const ambiguity = others.length
    ? `${others.length + 1} merged pull requests match commit ${sha}; the lineage uses #${chosen.number} (${chosen.merge_commit_sha?.toLowerCase() === sha.toLowerCase() ? 'its merge commit' : 'its head'}), not ${others.map((p) => `#${p.number}`).join(', ')}`
    : undefined;
  return { pullRequest, ...(ambiguity ? { ambiguity } : {}) };
}

/** The error for a release commit that no merged pull request brought (`onMissingPr: 'fail'`). */
export function noPullRequestError(owner: string, repo: string, sha: string): ReleaseError {
  return new ReleaseError(
    'NO_PULL_REQUEST',
    `commit ${sha} in ${owner}/${repo} was not brought by a merged pull request (a direct push?), so it has no reviewed attestation lineage.`,
    {
      details: { repository: `${owner}/${repo}`, sha },
      hint: 'release through a pull request into the release branch, or set onMissingPr: warn (--on-missing-pr warn) to release with an empty lineage',
    },
  );
}

interface ReviewLike {
  user: { login: string } | null;
  state: string;
  submitted_at?: string | null;
  commit_id: string | null;
}

/**
 * Reviewers whose latest deciding review is APPROVED, sorted by login. COMMENTED and PENDING reviews do not change
 * a reviewer's state (as on GitHub); a later CHANGES_REQUESTED or DISMISSED review cancels an approval.
 */
export function approvalsFromReviews(reviews: ReviewLike[]): Approval[] {
  const latest = new Map<string, ReviewLike>();
  const ordered = reviews
    .map((review, index) => ({ review, index }))
    .sort((a, b) => (Date.parse(a.review.submitted_at ?? '') || 0) - (Date.parse(b.review.submitted_at ?? '') || 0) || a.index - b.index);
  for (const { review } of ordered) {
    if (!review.user || review.state === 'COMMENTED' || review.state === 'PENDING') continue;
    latest.set(review.user.login, review);
  }
  return [...latest.values()]
    .filter((r) => r.state === 'APPROVED')
    .map((r) => ({ login: r.user!.login, submittedAt: r.submitted_at ?? null, commitId: r.commit_id }))
    .sort((a, b) => a.login.localeCompare(b.login));
}

/** Approvals of a pull request from every page of `GET /repos/{owner}/{repo}/pulls/{n}/reviews`. */
export async function listApprovals(octokit: Octokit, options: { owner: string; repo: string; pullNumber: number }): Promise<Approval[]> {
  const { owner, repo, pullNumber } = options;
  try {
    const reviews = await octokit.paginate(octokit.rest.pulls.listReviews, { owner, repo, pull_number: pullNumber, per_page: 100 });
    return approvalsFromReviews(reviews as ReviewLike[]);
  } catch (error) {
    throw describeGitHubError(error, {
      doing: `GET /repos/${owner}/${repo}/pulls/${pullNumber}/reviews`,
      repository: `${owner}/${repo}`,
      permission: 'pull-requests: read',
    });
  }
}
