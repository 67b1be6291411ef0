import { setTimeout as sleep } from 'node:timers/promises';
import { isReleaseError, ReleaseError } from '@chart-release/core';

export interface RollForwardOptions {
  /** Rounds over the drafts still unpublished (default 3); each round tries every one of them once. */
  attempts?: number;
  /** Pause before round n (n >= 2), in ms: `pauseMs * (n - 1)` (default 2000). */
  pauseMs?: number;
}

/**
 * Publishes drafts one by one, rolling forward: once the first one is public the run cannot be undone, so a draft
 * that fails is tried again in later rounds until every draft is public or the rounds run out. Returns what went
 * out and what is still a draft, with the last error of each.
 */
export async function publishRollingForward<D>(
  drafts: readonly D[],
  publishOne: (draft: D) => Promise<void>,
  options: RollForwardOptions = {},
): Promise<{ published: D[]; pending: { draft: D; error: unknown }[] }> {
  const attempts = Math.max(1, options.attempts ?? 3);
  const published: D[] = [];
  let pending = drafts.map((draft) => ({ draft, error: undefined as unknown }));
  for (let round = 1; round <= attempts && pending.length; round++) {
    if (round > 1) await sleep((options.pauseMs ?? 2000) * (round - 1));
    const left: typeof pending = [];
    for (const p of pending) {
      try {
        await publishOne(p.draft);
        published.push(p.draft);
      } catch (error) {
        left.push({ draft: p.draft, error });
      }
    }
    pending = left;
  }
  return { published, pending };
}

/** The PUBLISH_INCOMPLETE error of one chart whose draft stayed a draft while others went public. */
export function publishIncomplete(chart: string, tag: string, error: unknown, public_: string[]): ReleaseError {
  const cause = isReleaseError(error) ? `${error.code}: ${error.message}` : ((error as Error)?.message ?? String(error));
  return new ReleaseError(
    'PUBLISH_INCOMPLETE',
    `the draft release ${tag} could not be published (${cause}); ${public_.length ? `already public: ${public_.join(', ')}` : 'none is public yet'}.`,
    {
      chart,
      hint: 're-run the job: it publishes the remaining drafts and repeats nothing else; the published releases stay as they are.',
      cause: error,
      details: { tag, public: public_ },
    },
  );
}
