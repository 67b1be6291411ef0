import { notFound } from './github-errors.ts';
import { renderCommit } from './render-git.ts';
import { renderIssueComment, renderPull, renderPullSimple, renderReview } from './render-pulls.ts';
import type { RenderContext } from './render-repo.ts';
import { created, listed, noContent, numberParam, ok, repoOf, stringField, type RouteHandler, type RouteRequest } from './routes-context.ts';
import { ensureUser, nextId, timestamp, type RepoRecord } from './state.ts';

function pullOf(ctx: RenderContext, req: RouteRequest) {
  const repo = repoOf(ctx, req);
  const number = numberParam(req, 'pull_number');
  const pull = repo.pulls.find((p) => p.number === number);
  if (!pull) throw notFound();
  return { repo, pull };
}

/** Issue comments live on pull requests here (the emulator has no plain issues). */
function issueOf(ctx: RenderContext, req: RouteRequest): { repo: RepoRecord; number: number } {
  const repo = repoOf(ctx, req);
  const number = numberParam(req, 'issue_number');
  if (!repo.pulls.some((p) => p.number === number)) throw notFound();
  return { repo, number };
}

function commentOf(ctx: RenderContext, req: RouteRequest) {
  const repo = repoOf(ctx, req);
  const id = numberParam(req, 'comment_id');
  const comment = repo.issue_comments.find((c) => c.id === id);
  if (!comment) throw notFound();
  return { repo, comment };
}

/** `state` (open by default), `base`, `head` (`owner:branch`), newest first. */
const list: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const q = req.url.searchParams;
  const state = q.get('state') ?? 'open';
  const head = q.get('head');
  const pulls = repo.pulls
    .filter((p) => state === 'all' || p.state === state)
    .filter((p) => !q.get('base') || p.base.ref === q.get('base'))
    .filter((p) => !head || `${repo.owner}:${p.head.ref}` === head || p.head.ref === head)
    .sort((a, b) => b.number - a.number);
  return listed(req, pulls, (p) => renderPullSimple(ctx, repo, p));
};

const get: RouteHandler = (ctx, req) => {
  const { repo, pull } = pullOf(ctx, req);
  return ok(renderPull(ctx, repo, pull));
};

const listReviews: RouteHandler = (ctx, req) => {
  const { repo, pull } = pullOf(ctx, req);
  const reviews = repo.reviews.filter((r) => r.pull_number === pull.number);
  return listed(req, reviews, (r) => renderReview(ctx, repo, r));
};

const listCommits: RouteHandler = (ctx, req) => {
  const { repo, pull } = pullOf(ctx, req);
  const commits = pull.commits.flatMap((sha) => repo.commits.filter((c) => c.sha === sha));
  return listed(req, commits, (c) => renderCommit(ctx, repo, c));
};

const listComments: RouteHandler = (ctx, req) => {
  const { repo, number } = issueOf(ctx, req);
  const comments = repo.issue_comments.filter((c) => c.issue_number === number);
  return listed(req, comments, (c) => renderIssueComment(ctx, repo, c));
};

const createComment: RouteHandler = (ctx, req) => {
  const { repo, number } = issueOf(ctx, req);
  const now = timestamp();
  const comment = {
    id: nextId(ctx.state),
    issue_number: number,
    body: stringField(req.body, 'body')!,
    user: ensureUser(ctx.state, req.actor!).login,
    created_at: now,
    updated_at: now,
  };
  repo.issue_comments.push(comment);
  const rendered = renderIssueComment(ctx, repo, comment);
  return created(rendered, rendered.url);
};

const getComment: RouteHandler = (ctx, req) => {
  const { repo, comment } = commentOf(ctx, req);
  return ok(renderIssueComment(ctx, repo, comment));
};

const updateComment: RouteHandler = (ctx, req) => {
  const { repo, comment } = commentOf(ctx, req);
  comment.body = stringField(req.body, 'body')!;
  comment.updated_at = timestamp();
  return ok(renderIssueComment(ctx, repo, comment));
};

const deleteComment: RouteHandler = (ctx, req) => {
  const { repo, comment } = commentOf(ctx, req);
  repo.issue_comments = repo.issue_comments.filter((c) => c.id !== comment.id);
  return noContent;
};

export const pullRoutes: Record<string, RouteHandler> = {
  'pulls/list': list,
  'pulls/get': get,
  'pulls/list-reviews': listReviews,
  'pulls/list-commits': listCommits,
  'issues/list-comments': listComments,
  'issues/create-comment': createComment,
  'issues/get-comment': getComment,
  'issues/update-comment': updateComment,
  'issues/delete-comment': deleteComment,
};
