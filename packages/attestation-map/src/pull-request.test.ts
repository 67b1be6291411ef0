import { describe, expect, it } from 'vitest';
import { approvalsFromReviews, choosePullRequest, type PullRequestCandidate } from './pull-request.ts';

const SHA = 'c'.repeat(40);

function pr(number: number, fields: Partial<Omit<PullRequestCandidate, 'head' | 'base'>> & { head?: string; base?: string } = {}): PullRequestCandidate {
  const { head, base, ...rest } = fields;
  return {
    number,
    html_url: `https://github.com/acme/charts/pull/${number}`,
    title: `PR ${number}`,
    body: null,
    user: { login: 'dev' },
    merged_at: '2026-01-01T00:00:00Z',
    merge_commit_sha: 'f'.repeat(40),
    head: { sha: head ?? 'e'.repeat(40) },
    base: { ref: base ?? 'main' },
    ...rest,
  };
}

describe('choosing the pull request of a commit', () => {
  it('takes the PR whose merge commit is the commit over one whose head is', () => {
    const headMatch = pr(1, { head: SHA, merged_at: '2026-02-01T00:00:00Z' });
    const mergeMatch = pr(2, { merge_commit_sha: SHA });
    expect(choosePullRequest([headMatch, mergeMatch], SHA)).toEqual({ chosen: mergeMatch, others: [headMatch] });
  });

  it('ignores PRs that were closed without merging or do not match', () => {
    expect(choosePullRequest([pr(1, { merge_commit_sha: SHA, merged_at: null }), pr(2)], SHA).chosen).toBeUndefined();
  });

  it('prefers the base branch, then the latest merge, then the highest number, whatever the input order', () => {
    const a = pr(5, { head: SHA, base: 'main', merged_at: '2026-03-01T00:00:00Z' });
    const b = pr(3, { head: SHA, base: 'release', merged_at: '2026-01-01T00:00:00Z' });
    const c = pr(4, { head: SHA, base: 'release', merged_at: '2026-01-01T00:00:00Z' });
    for (const order of [
      [a, b, c],
      [c, b, a],
      [b, a, c],
    ]) {
      expect(choosePullRequest(order, SHA, 'release').chosen?.number).toBe(4);
      expect(choosePullRequest(order, SHA).chosen?.number).toBe(5);
    }
  });

  it('matches SHAs case-insensitively', () => {
    expect(choosePullRequest([pr(1, { merge_commit_sha: SHA.toUpperCase() })], SHA).chosen?.number).toBe(1);
  });
});

describe('approvals from reviews', () => {
  const review = (login: string, state: string, at: string, commit = 'a1') => ({ user: { login }, state, submitted_at: at, commit_id: commit });

  it('keeps reviewers whose latest deciding review approves, sorted by login', () => {
    const approvals = approvalsFromReviews([
      review('zoe', 'APPROVED', '2026-01-01T10:00:00Z', 'h1'),
      review('amy', 'CHANGES_REQUESTED', '2026-01-01T09:00:00Z'),
      review('amy', 'APPROVED', '2026-01-01T11:00:00Z', 'h2'),
      review('zoe', 'COMMENTED', '2026-01-01T12:00:00Z'),
      review('bob', 'APPROVED', '2026-01-01T08:00:00Z'),
      review('bob', 'CHANGES_REQUESTED', '2026-01-01T13:00:00Z'),
      review('cat', 'APPROVED', '2026-01-01T08:00:00Z'),
      review('cat', 'DISMISSED', '2026-01-01T09:00:00Z'),
    ]);
    expect(approvals).toEqual([
      { login: 'amy', submittedAt: '2026-01-01T11:00:00Z', commitId: 'h2' },
      { login: 'zoe', submittedAt: '2026-01-01T10:00:00Z', commitId: 'h1' },
    ]);
  });

  it('orders by submission time, not by list order', () => {
    expect(approvalsFromReviews([review('amy', 'APPROVED', '2026-01-02T00:00:00Z'), review('amy', 'CHANGES_REQUESTED', '2026-01-01T00:00:00Z')])).toHaveLength(
      1,
    );
  });
});
