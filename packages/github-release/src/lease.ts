import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ReleaseError, silentLogger, type Logger } from '@chart-release/core';
import type { GitHubClient, RepositoryRef } from '@chart-release/github-client';

/** What a lease's tag object says: who holds it, until when, and whether it was given back. */
export interface LeaseRecord {
  holder: string;
  /** Where the holder can be seen (the Actions run URL), for the message of whoever waits. */
  runUrl?: string;
  acquiredAt: string;
  expiresAt: string;
  released?: boolean;
}

export interface LeaseOptions {
  octokit: GitHubClient;
  repo: RepositoryRef;
  /** What is leased, e.g. `publish` or `promote-web-app-stable`; characters other than [A-Za-z0-9_-] become `_`. */
  key: string;
  /** A commit of the repository the lease's tag object points at (any; the run's head is natural). */
  commit: string;
  /** Unique per attempt; a random id by default. */
  holder?: string;
  runUrl?: string;
  /** How long the lease lasts without renewal: a crashed holder's lease expires after this (default 10 min). */
  ttlMs?: number;
  /** How long to wait for a held lease before giving up with LEASE_HELD (default 15 min; 0: do not wait). */
  waitMs?: number;
  pollMs?: number;
  /** What the leased work is, for messages (`publish run`). */
  what?: string;
  logger?: Logger;
  now?: () => number;
}

/** A held lease: renewed in the background until released. */
export interface Lease {
  ref: string;
  generation: number;
  holder: string;
  /** Gives the lease back (idempotent); the next waiter takes it at once. */
  release(): Promise<void>;
}

const PREFIX = 'chart-release/leases';

/**
 * Takes a lease held in GitHub, where every run of the repository sees it: refs
 * `refs/chart-release/leases/<key>/<generation>`, each pointing at an annotated tag object whose message is the
 * LeaseRecord. Creating a ref is create-if-absent (422 "Reference already exists"), so of two runs creating the
 * next generation exactly one wins; generations only grow (older ones are removed after a newer one exists), so a
 * released or expired lease is taken over by creating the next. A held lease is waited for, then LEASE_HELD.
 * GitHub runs no workflow for refs outside refs/heads and refs/tags.
 */
export async function acquireLease(options: LeaseOptions): Promise<Lease> {
  const { octokit, repo } = options;
  const log = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const ttl = options.ttlMs ?? 10 * 60_000;
  const key = options.key.replace(/[^A-Za-z0-9_-]/g, '_');
  const holder = options.holder ?? randomUUID();
  const what = options.what ?? key;
  const deadline = now() + (options.waitMs ?? 15 * 60_000);
  const poll = options.pollMs ?? 2000;
  let announced = false;

  const record = (released = false): LeaseRecord => ({
    holder,
    ...(options.runUrl ? { runUrl: options.runUrl } : {}),
    acquiredAt: new Date(now()).toISOString(),
    expiresAt: new Date(now() + ttl).toISOString(),
    ...(released ? { released: true } : {}),
  });
  const tagObject = async (r: LeaseRecord) =>
    (await octokit.rest.git.createTag({ ...repo, tag: `lease-${key}`, message: JSON.stringify(r), object: options.commit, type: 'commit' })).data.sha;

  for (;;) {
    const generations = await listGenerations(octokit, repo, key);
    const top = generations.at(-1);
    if (top) {
      const current = await readRecord(octokit, repo, top.sha);
      const active = current && !current.released && Date.parse(current.expiresAt) > now();
      if (active) {
        const by = `${current.holder}${current.runUrl ? ` (${current.runUrl})` : ''}`;
        if (now() >= deadline) {
          throw new ReleaseError('LEASE_HELD', `another ${what} holds the lease ${top.ref} (${by}, until ${current.expiresAt}).`, {
            hint: `wait for it to finish and re-run; a crashed run's lease expires by itself at ${current.expiresAt}.`,
            details: { ref: top.ref, holder: current.holder, expiresAt: current.expiresAt },
          });
        }
        if (!announced) log.info(`waiting for another ${what} to finish (lease ${top.ref} held by ${by})`);
        announced = true;
        await sleep(Math.max(10, Math.min(poll, deadline - now())));
        continue;
      }
      if (current && !current.released) log.warn(`taking over the expired lease of ${current.holder} (expired ${current.expiresAt})`);
    }
    const generation = (top?.generation ?? 0) + 1;
    const ref = `refs/${PREFIX}/${key}/${generation}`;
    try {
      await octokit.rest.git.createRef({ ...repo, ref, sha: await tagObject(record()) });
    } catch (error) {
      // another run created this generation first: look again
      if ((error as { status?: number }).status === 422) continue;
      throw error;
    }
    for (const old of generations) await octokit.rest.git.deleteRef({ ...repo, ref: old.ref.replace(/^refs\//, '') }).catch(() => undefined);
    log.debug(`lease ${ref} taken`);
    return holdLease(options, ref, generation, holder, ttl, tagObject, record);
  }
}

function holdLease(
  options: LeaseOptions,
  ref: string,
  generation: number,
  holder: string,
  ttl: number,
  tagObject: (r: LeaseRecord) => Promise<string>,
  record: (released?: boolean) => LeaseRecord,
): Lease {
  const { octokit, repo } = options;
  const short = ref.replace(/^refs\//, '');
  let released = false;
  let renewing: Promise<unknown> = Promise.resolve();
  // renew at a third of the lifetime, so two missed renewals still leave it held
  const timer = setInterval(() => {
    renewing = renewing.then(async () => {
      if (released) return;
      await octokit.rest.git
        .updateRef({ ...repo, ref: short, sha: await tagObject(record()), force: true })
        .catch((error: Error) => options.logger?.warn(`could not renew the lease ${ref}: ${error.message}`));
    });
  }, ttl / 3);
  timer.unref();
  return {
    ref,
    generation,
    holder,
    async release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      await renewing;
      // the ref stays (generations only grow): it now says released; should that fail, it expires by itself
      try {
        await octokit.rest.git.updateRef({ ...repo, ref: short, sha: await tagObject(record(true)), force: true });
      } catch (error) {
        options.logger?.warn(`could not release the lease ${ref} (it expires by itself): ${(error as Error).message}`);
      }
    },
  };
}

async function listGenerations(octokit: GitHubClient, repo: RepositoryRef, key: string): Promise<{ ref: string; sha: string; generation: number }[]> {
  const { data } = await octokit.rest.git.listMatchingRefs({ ...repo, ref: `${PREFIX}/${key}/` });
  return data
    .map((r) => ({ ref: r.ref, sha: r.object.sha, generation: Number(r.ref.split('/').at(-1)) }))
    .filter((r) => Number.isInteger(r.generation) && r.generation > 0)
    .sort((a, b) => a.generation - b.generation);
}

async function readRecord(octokit: GitHubClient, repo: RepositoryRef, sha: string): Promise<LeaseRecord | undefined> {
  try {
    const { data } = await octokit.rest.git.getTag({ ...repo, tag_sha: sha });
    const parsed = JSON.parse(data.message) as LeaseRecord;
    return typeof parsed.holder === 'string' && typeof parsed.expiresAt === 'string' ? parsed : undefined;
  } catch {
    // not a lease record (or gone): treat the generation as free
    return undefined;
  }
}
