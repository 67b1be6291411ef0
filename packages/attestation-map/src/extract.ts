import { silentLogger, type Logger } from '@chart-release/core';
import type { Octokit } from '@octokit/rest';
import { describeGitHubError } from '@chart-release/github-client';
import { findMapBlocks } from './map-block.ts';
import { parseAttestationMap, type MapLocation } from './map-parse.ts';
import type { AttestationMap, MapSource } from './types.ts';

export interface ExtractOptions {
  owner: string;
  repo: string;
  /** The pull request number, or the pull request already read (its body is used as is). */
  pr: number | { number: number; url: string; body: string | null; author: string | null };
  /** Logins whose comments may carry the map, e.g. `github-actions[bot]`; compared case-insensitively. */
  allowedAuthors: string[];
  /** Largest map block accepted (default 64 KiB). */
  maxBytes?: number;
  logger?: Logger;
}

export interface ExtractedAttestationMap {
  /** The map, or undefined when neither the body nor an allowed comment has one. */
  map?: AttestationMap;
  source?: MapSource;
  warnings: string[];
}

interface CommentLike {
  id: number;
  html_url: string;
  body?: string | null;
  created_at: string;
  user: { login: string } | null;
}

/**
 * Reads a pull request's attestation map. Candidates are the body, then every issue comment (all pages) in the
 * order they were posted; comments by authors not in `allowedAuthors` are ignored. The last candidate with a map
 * marker wins: a comment posted by an allowed bot supersedes the body and every earlier comment. The winner must be
 * valid (a malformed newest map is an error, never a silent fall-back to an older one).
 */
export async function extractAttestationMap(octokit: Octokit, options: ExtractOptions): Promise<ExtractedAttestationMap> {
  const { owner, repo } = options;
  const logger = options.logger ?? silentLogger;
  const allowed = new Set(options.allowedAuthors.map((a) => a.toLowerCase()));
  const pr = typeof options.pr === 'number' ? await readPullRequest(octokit, owner, repo, options.pr) : options.pr;
  const warnings: string[] = [];

  let comments: CommentLike[];
  try {
    comments = (await octokit.paginate(octokit.rest.issues.listComments, { owner, repo, issue_number: pr.number, per_page: 100 })) as CommentLike[];
  } catch (error) {
    throw describeGitHubError(error, {
      doing: `GET /repos/${owner}/${repo}/issues/${pr.number}/comments`,
      repository: `${owner}/${repo}`,
      permission: 'pull-requests: read',
    });
  }
  comments.sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at) || a.id - b.id);

  const candidates: { where: MapLocation; body: string; author: string | null }[] = [];
  if (pr.body && hasMarker(pr.body)) candidates.push({ where: { pr: pr.number, kind: 'body', url: pr.url }, body: pr.body, author: pr.author });
  for (const comment of comments) {
    if (!comment.body || !hasMarker(comment.body)) continue;
    const login = comment.user?.login ?? '(deleted user)';
    if (!allowed.has(login.toLowerCase())) {
      const message = `ignored the attestation map in PR #${pr.number} comment ${comment.id} (${comment.html_url}): its author ${login} is not an allowed author (${[...options.allowedAuthors].join(', ') || 'none configured'})`;
      logger.debug(message);
      warnings.push(message);
      continue;
    }
    candidates.push({ where: { pr: pr.number, kind: 'comment', url: comment.html_url, commentId: comment.id }, body: comment.body, author: login });
  }
  logger.debug(`PR #${pr.number}: ${comments.length} comments, ${candidates.length} map candidates from the body and allowed authors`);

  const winner = candidates.at(-1);
  if (!winner) {
    warnings.push(`PR #${pr.number} (${pr.url}) has no attestation map in its body or in a comment by an allowed author`);
    return { warnings };
  }
  const map = parseAttestationMap(winner.body, winner.where, { maxBytes: options.maxBytes });
  const superseded = candidates.length - 1;
  if (superseded) logger.debug(`the map in ${winner.where.url} supersedes ${superseded} earlier map(s)`);
  const source: MapSource = {
    kind: winner.where.kind,
    url: winner.where.url,
    ...(winner.where.commentId ? { commentId: winner.where.commentId } : {}),
    author: winner.author,
  };
  return { map, source, warnings };
}

function hasMarker(markdown: string): boolean {
  return markdown.includes('chart-release:attestation-map') && findMapBlocks(markdown).length > 0;
}

async function readPullRequest(octokit: Octokit, owner: string, repo: string, number: number) {
  try {
    const { data } = await octokit.rest.pulls.get({ owner, repo, pull_number: number });
    return { number: data.number, url: data.html_url, body: data.body, author: data.user?.login ?? null };
  } catch (error) {
    throw describeGitHubError(error, {
      doing: `GET /repos/${owner}/${repo}/pulls/${number}`,
      repository: `${owner}/${repo}`,
      permission: 'pull-requests: read',
    });
  }
}
