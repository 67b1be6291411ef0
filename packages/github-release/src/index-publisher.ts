import { AggregateReleaseError, ReleaseError, silentLogger, type Logger } from '@chart-release/core';
import type { GitHubClient, RepositoryRef } from '@chart-release/github-client';
import { emptyHelmIndex, mergeIntoHelmIndex, parseHelmIndex, validateHelmIndex, type IndexAddition, type IndexedVersion } from './helm-index.ts';
import { PagesBranch, type BranchFile, type BranchSnapshot } from './pages-branch.ts';

/** Defaults of the Helm repository on Pages, as chart-releaser uses them. */
export const DEFAULT_PAGES_BRANCH = 'gh-pages';
export const DEFAULT_INDEX_PATH = 'index.yaml';
/** Size past which the index is reported as large (consumers such as Flux cap what they read at 50 MiB). */
export const DEFAULT_INDEX_SIZE_WARNING_BYTES = 20 * 1024 * 1024;

export interface PublishIndexInput {
  octokit: GitHubClient;
  repository: RepositoryRef;
  /** Default `gh-pages`; created (orphan) when missing. */
  branch?: string;
  /** Default `index.yaml`. */
  path?: string;
  /** The published chart versions the index must list. */
  additions: IndexAddition[];
  /** `merge` (default): add to the existing index. `rebuild`: the index is exactly `additions`. */
  mode?: 'merge' | 'rebuild';
  /** Allow a write that drops entries (a rebuild without some of the listed versions). */
  prune?: boolean;
  /** Other files kept on the branch (`artifacthub-repo.yml`), written when their content differs. */
  files?: BranchFile[];
  sizeWarningBytes?: number;
  /** Compare-and-swap attempts when the branch moves under the run (default 5). */
  attempts?: number;
  dryRun?: boolean;
  logger?: Logger;
  now?: () => Date;
  /** Wait before attempt n (default 200 ms x n, with jitter); tests pass 0. */
  backoffMs?: (attempt: number) => number;
}

export interface PublishIndexResult {
  branch: string;
  path: string;
  /** The commit written; null when nothing changed or in a dry run. */
  commit: string | null;
  /** The branch did not exist and was (or would be) created. */
  createdBranch: boolean;
  added: IndexedVersion[];
  unchanged: IndexedVersion[];
  /** Entries the write drops (only with `prune`). */
  removed: IndexedVersion[];
  /** Files written (or that a dry run would write). */
  written: string[];
  bytes: number;
  entries: number;
  attempts: number;
  warnings: string[];
  dryRun: boolean;
}

const key = (e: { name: string; version: string }) => `${e.name}@${e.version}`;

/**
 * Brings the Helm repository index on the Pages branch up to date with the published versions: read the branch,
 * merge (or rebuild), check the result (it parses, every entry has a digest and a URL, no entry is lost unless
 * `prune`, the size), then commit through the Git Data API. When another run moved the branch meanwhile, it reads
 * again, merges again and retries, a bounded number of times, so concurrent runs never revert each other.
 */
export async function publishHelmIndex(input: PublishIndexInput): Promise<PublishIndexResult> {
  const branch = input.branch ?? DEFAULT_PAGES_BRANCH;
  const path = input.path ?? DEFAULT_INDEX_PATH;
  const log = input.logger ?? silentLogger;
  const now = input.now ?? (() => new Date());
  const attempts = input.attempts ?? 5;
  const backoff = input.backoffMs ?? ((n: number) => 200 * n * (0.5 + Math.random()));
  const pages = new PagesBranch({
    octokit: input.octokit,
    repository: input.repository,
    branch,
  });
  const extra = input.files ?? [];
  for (let attempt = 1; ; attempt++) {
    const snapshot = await pages.read([path, ...extra.map((f) => f.path)]);
    const planned = planIndexWrite(snapshot, path, input, now());
    const files = [...(planned.changed ? [{ path, content: planned.text }] : []), ...extra.filter((f) => snapshot.files.get(f.path) !== f.content)];
    const result: PublishIndexResult = {
      branch,
      path,
      commit: null,
      createdBranch: snapshot.commit === null,
      added: planned.added,
      unchanged: planned.unchanged,
      removed: planned.removed,
      written: files.map((f) => f.path),
      bytes: Buffer.byteLength(planned.text),
      entries: planned.entries,
      attempts: attempt,
      warnings: planned.warnings,
      dryRun: Boolean(input.dryRun),
    };
    for (const w of planned.warnings) log.warn(w, { file: path });
    if (!files.length || input.dryRun) return result;
    const message = planned.added.length
      ? `Index ${planned.added.map((a) => `${a.name} ${a.version}`).join(', ')}`
      : `Update ${files.map((f) => f.path).join(', ')}`;
    const written = await pages.write(snapshot, files, message);
    if (written !== 'moved') {
      log.info(
        `${branch}:${path}: ${planned.added.length} added, ${planned.unchanged.length} already listed, ${planned.entries} entries, ${result.bytes} bytes (${written.commit.slice(0, 12)})`,
      );
      return { ...result, commit: written.commit };
    }
    if (attempt >= attempts) {
      throw new ReleaseError('INDEX_CONFLICT', `the branch ${branch} kept moving while the index was written (${attempts} attempts).`, {
        file: path,
        hint: 're-run: the index is merged again with what the other runs wrote, and nothing else is repeated.',
      });
    }
    log.warn(`${branch} moved while the index was written (another run); reading it again (attempt ${attempt + 1} of ${attempts})`);
    await new Promise((r) => setTimeout(r, backoff(attempt)));
  }
}

interface PlannedIndex {
  text: string;
  changed: boolean;
  added: IndexedVersion[];
  unchanged: IndexedVersion[];
  removed: IndexedVersion[];
  entries: number;
  warnings: string[];
}

/** The index to write on top of `snapshot`, with every guard applied; throws when a guard refuses. */
export function planIndexWrite(
  snapshot: BranchSnapshot,
  path: string,
  input: Pick<PublishIndexInput, 'additions' | 'mode' | 'prune' | 'sizeWarningBytes'>,
  now: Date,
): PlannedIndex {
  const existing = snapshot.files.get(path) ?? null;
  const warnings: string[] = [];
  let before: IndexedVersion[] = [];
  try {
    before = existing === null ? [] : parseHelmIndex(existing, path).entries;
  } catch (error) {
    // a rebuild is the way out of an index that cannot be read
    if (input.mode !== 'rebuild') throw error;
    warnings.push(`${(error as Error).message} It is replaced by the rebuilt index.`);
  }
  const base = input.mode === 'rebuild' || existing === null ? emptyHelmIndex(now) : existing;
  const merged = mergeIntoHelmIndex(base, input.additions, now, path);
  const text = input.mode === 'rebuild' && existing !== null && before.length && sameEntries(existing, merged.text, path) ? existing : merged.text;
  const after = parseHelmIndex(text, path);
  const problems = validateHelmIndex(after, path);
  if (problems.length) throw new AggregateReleaseError(problems, `the index to write to ${snapshot.branch}:${path} is not valid`);
  const kept = new Set(after.entries.map(key));
  const removed = before.filter((e) => !kept.has(key(e)));
  if (removed.length && !input.prune) {
    const names = removed.slice(0, 10).map(key).join(', ');
    throw new ReleaseError(
      'INDEX_WOULD_SHRINK',
      `writing ${snapshot.branch}:${path} would drop ${removed.length} of its ${before.length} entries (${names}${removed.length > 10 ? ', …' : ''}).`,
      {
        file: path,
        hint: "those versions have no published release; run 'chart-release index --rebuild --prune' to drop them on purpose, or publish them again.",
      },
    );
  }
  const previous = new Map(before.map((e) => [key(e), e]));
  const added = input.mode === 'rebuild' ? after.entries.filter((e) => !previous.has(key(e))) : merged.added;
  const unchanged = input.mode === 'rebuild' ? after.entries.filter((e) => previous.has(key(e))) : merged.unchanged;
  const bytes = Buffer.byteLength(text);
  const ceiling = input.sizeWarningBytes ?? DEFAULT_INDEX_SIZE_WARNING_BYTES;
  if (bytes > ceiling) {
    warnings.push(
      `INDEX_LARGE: ${path} is ${(bytes / 1048576).toFixed(1)} MiB (warning ceiling ${(ceiling / 1048576).toFixed(1)} MiB); consumers read the whole file on every 'helm repo update' and some cap it (Flux: 50 MiB).`,
    );
  }
  return {
    text,
    changed: text !== existing,
    added,
    unchanged,
    removed,
    entries: after.entries.length,
    warnings,
  };
}

// a rebuild that lists exactly what is there (same versions, same digests) keeps the file as it is
function sameEntries(a: string, b: string, path: string): boolean {
  const list = (t: string) =>
    parseHelmIndex(t, path)
      .entries.map((e) => `${key(e)}:${e.digest}:${e.urls.join(' ')}`)
      .sort()
      .join('\n');
  return list(a) === list(b);
}
