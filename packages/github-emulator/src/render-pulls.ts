import { htmlUrl, nodeId, renderRepository, renderUser, repoApiUrl, type RenderContext } from './render-repo.ts';
import type { IssueCommentRecord, LabelRecord, PullRecord, RepoRecord, ReviewRecord } from './state.ts';

/** `pull-request-simple` (lists, commits/{sha}/pulls). */
export function renderPullSimple(ctx: RenderContext, repo: RepoRecord, pull: PullRecord) {
  const api = repoApiUrl(ctx, repo);
  const html = `${htmlUrl(ctx, `${repo.owner}/${repo.name}`)}/pull/${pull.number}`;
  const self = `${api}/pulls/${pull.number}`;
  const issue = `${api}/issues/${pull.number}`;
  const repository = renderRepository(ctx, repo);
  const branch = (side: { ref: string; sha: string }) => ({
    label: `${repo.owner}:${side.ref}`,
    ref: side.ref,
    sha: side.sha,
    user: repository.owner,
    repo: repository,
  });
  return {
    url: self,
    id: pull.id,
    node_id: nodeId('PullRequest', pull.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issue,
    commits_url: `${self}/commits`,
    review_comments_url: `${self}/comments`,
    review_comment_url: `${api}/pulls/comments{/number}`,
    comments_url: `${issue}/comments`,
    statuses_url: `${api}/statuses/${pull.head.sha}`,
    number: pull.number,
    state: pull.state,
    locked: false,
    title: pull.title,
    user: renderUser(ctx, pull.user),
    body: pull.body,
    // the description is a string in the description (empty when there is none), never null
    labels: (pull.labels as (LabelRecord | string)[]).map((label, i) => {
      const { name, color, description } = typeof label === 'string' ? { name: label, color: 'ededed', description: '' } : label;
      return {
        id: pull.id * 100 + i,
        node_id: nodeId('Label', `${pull.id}:${name}`),
        url: `${api}/labels/${encodeURIComponent(name)}`,
        name,
        description,
        color,
        default: false,
      };
    }),
    milestone: null,
    active_lock_reason: null,
    created_at: pull.created_at,
    updated_at: pull.updated_at,
    closed_at: pull.closed_at,
    merged_at: pull.merged_at,
    merge_commit_sha: pull.merge_commit_sha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: branch(pull.head),
    base: branch(pull.base),
    _links: {
      self: { href: self },
      html: { href: html },
      issue: { href: issue },
      comments: { href: `${issue}/comments` },
      review_comments: { href: `${self}/comments` },
      review_comment: { href: `${api}/pulls/comments{/number}` },
      commits: { href: `${self}/commits` },
      statuses: { href: `${api}/statuses/${pull.head.sha}` },
    },
    author_association: authorAssociation(repo, pull.user),
    auto_merge: null,
    draft: false,
  };
}

/** `pull-request` (GET /repos/{owner}/{repo}/pulls/{number}). */
export function renderPull(ctx: RenderContext, repo: RepoRecord, pull: PullRecord) {
  return {
    ...renderPullSimple(ctx, repo, pull),
    merged: pull.merged,
    mergeable: pull.state === 'open' ? true : null,
    rebaseable: null,
    mergeable_state: pull.state === 'open' ? 'clean' : 'unknown',
    merged_by: pull.merged ? renderUser(ctx, repo.owner) : null,
    comments: repo.issue_comments.filter((c) => c.issue_number === pull.number).length,
    review_comments: 0,
    maintainer_can_modify: false,
    commits: pull.commits.length,
    additions: 0,
    deletions: 0,
    changed_files: 0,
  };
}

/** `pull-request-review`. */
export function renderReview(ctx: RenderContext, repo: RepoRecord, review: ReviewRecord) {
  const api = repoApiUrl(ctx, repo);
  const html = `${htmlUrl(ctx, `${repo.owner}/${repo.name}`)}/pull/${review.pull_number}`;
  return {
    id: review.id,
    node_id: nodeId('PullRequestReview', review.id),
    user: renderUser(ctx, review.user),
    body: review.body,
    state: review.state,
    html_url: `${html}#pullrequestreview-${review.id}`,
    pull_request_url: `${api}/pulls/${review.pull_number}`,
    _links: { html: { href: `${html}#pullrequestreview-${review.id}` }, pull_request: { href: `${api}/pulls/${review.pull_number}` } },
    submitted_at: review.submitted_at,
    commit_id: review.commit_id,
    author_association: authorAssociation(repo, review.user),
  };
}

/** `issue-comment`. */
export function renderIssueComment(ctx: RenderContext, repo: RepoRecord, comment: IssueCommentRecord) {
  const api = repoApiUrl(ctx, repo);
  return {
    id: comment.id,
    node_id: nodeId('IssueComment', comment.id),
    url: `${api}/issues/comments/${comment.id}`,
    html_url: `${htmlUrl(ctx, `${repo.owner}/${repo.name}`)}/pull/${comment.issue_number}#issuecomment-${comment.id}`,
    body: comment.body,
    user: renderUser(ctx, comment.user),
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    issue_url: `${api}/issues/${comment.issue_number}`,
    author_association: authorAssociation(repo, comment.user),
  };
}

function authorAssociation(repo: RepoRecord, login: string) {
  return login.toLowerCase() === repo.owner.toLowerCase() ? 'OWNER' : login.endsWith('[bot]') ? 'NONE' : 'CONTRIBUTOR';
}
