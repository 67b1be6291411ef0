import { readFileSync } from 'node:fs';
import { releaseTagGlob } from '@chart-release/chart-metadata';
import { ReleaseError } from '@chart-release/core';
import type { GitReader } from './git.ts';

/** Where the base of the compared range came from. */
export type BaseSource = 'flag' | 'event' | 'merge-base' | 'last-tags' | 'root';

export interface ResolvedRange {
  base: string;
  head: string;
  baseSource: BaseSource;
  /** Why the range is what it is (fallbacks taken), for the log. */
  notes: string[];
}

export interface RangeOptions {
  base?: string;
  head?: string;
  targetBranch: string;
  tagTemplate: string;
  env: NodeJS.ProcessEnv;
}

/** The `before`/`after` of a push event, or the base/head of a pull_request event, from `$GITHUB_EVENT_PATH`. */
export function readEventRange(env: NodeJS.ProcessEnv): { before?: string; after?: string } {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return {};
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new ReleaseError('EVENT_INVALID', `cannot read the GitHub event at ${path}: ${(error as Error).message}`, {
      file: path,
      hint: 'pass --base and --head explicitly, or run inside a GitHub Actions job.',
    });
  }
  const pr = event.pull_request as { base?: { sha?: string }; head?: { sha?: string } } | undefined;
  if (pr?.base?.sha && pr.head?.sha) return { before: pr.base.sha, after: pr.head.sha };
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return { before: str(event.before), after: str(event.after) };
}

const ALL_ZERO = /^0+$/;
const FETCH_HISTORY = 'fetch the full history (actions/checkout with fetch-depth: 0)';

/**
 * Decides the range to compare. `--base`/`--head` win; in Actions the push event's `before`/`after` are used. A new
 * branch (all-zero `before`), a force push (`before` not an ancestor of `after`) or no event at all fall back to the
 * merge-base with the target branch, then to the nearest release tag, then to the repository's root.
 */
export async function resolveRange(git: GitReader, options: RangeOptions): Promise<ResolvedRange> {
  const notes: string[] = [];
  const event = options.base && options.head ? {} : readEventRange(options.env);

  const headRev = options.head ?? event.after ?? 'HEAD';
  const [head, flagBase] = await git.commitShas([headRev, options.base]);
  if (!head) {
    throw new ReleaseError('REVISION_NOT_FOUND', `head revision '${headRev}' is not a commit in this repository.`, {
      hint: `${FETCH_HISTORY} or pass an existing --head.`,
    });
  }

  if (options.base) {
    const base = flagBase;
    if (!base)
      throw new ReleaseError('REVISION_NOT_FOUND', `base revision '${options.base}' is not a commit in this repository.`, {
        hint: `${FETCH_HISTORY} or pass an existing --base.`,
      });
    return { base, head, baseSource: 'flag', notes };
  }

  if (event.before) {
    if (ALL_ZERO.test(event.before)) {
      notes.push('the push created the branch (before is all zeros)');
    } else {
      const before = await git.commitSha(event.before);
      if (!before) notes.push(`the event's before ${event.before.slice(0, 12)} is not in this clone (force push, or a shallow clone)`);
      else if (!(await git.isAncestor(before, head)))
        notes.push(`the event's before ${before.slice(0, 12)} is not an ancestor of ${head.slice(0, 12)} (force push)`);
      else return { base: before, head, baseSource: 'event', notes };
    }
  }

  for (const ref of [`refs/remotes/origin/${options.targetBranch}`, `refs/heads/${options.targetBranch}`]) {
    const target = await git.commitSha(ref);
    if (!target) continue;
    const base = await git.mergeBase(target, head);
    if (base && base !== head) {
      notes.push(`comparing with the merge-base of ${ref}`);
      return { base, head, baseSource: 'merge-base', notes };
    }
    if (base === head) notes.push(`${ref} already contains ${head.slice(0, 12)}`);
  }

  const tag = await git.nearestTag(head, releaseTagGlob(options.tagTemplate));
  if (tag) {
    const base = await git.commitSha(`refs/tags/${tag}`);
    if (base) {
      notes.push(`comparing with the last release tag ${tag}`);
      return { base, head, baseSource: 'last-tags', notes };
    }
  }

  notes.push('no target branch and no release tag found: every chart counts as added');
  return { base: await git.emptyTree(), head, baseSource: 'root', notes };
}
