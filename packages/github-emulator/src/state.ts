import type { GitObjectStore } from './git-objects.ts';

/**
 * The emulator's state: plain JSON-serialisable records (asset bytes as base64), so a snapshot can be written to
 * disk, inspected after a demo and loaded again. Representations served to clients are rendered from these
 * records by the `render-*.ts` modules.
 */

export type UserType = 'User' | 'Bot' | 'Organization';

export interface UserRecord {
  login: string;
  id: number;
  type: UserType;
}

export interface GitPerson {
  name: string;
  email: string;
  date: string;
}

export interface CommitRecord {
  sha: string;
  message: string;
  tree: string;
  parents: string[];
  author: GitPerson;
  committer: GitPerson;
  /** The GitHub account the commit is attributed to, if any. */
  authorLogin?: string;
  /** Set when GitHub signed the commit (made through the API for the token, without a custom author or committer). */
  signature?: CommitSignature;
}

/** GitHub's signature on a commit it made: the signed text, the armored signature, when it was verified. */
export interface CommitSignature {
  signature: string;
  payload: string;
  verified_at: string;
}

export interface RefRecord {
  /** Fully qualified: `refs/heads/main`, `refs/tags/app-v1.0.0`. */
  ref: string;
  sha: string;
}

export interface TagObjectRecord {
  sha: string;
  tag: string;
  message: string;
  object: { sha: string; type: 'commit' | 'tree' | 'blob' | 'tag' };
  tagger: GitPerson;
}

export interface PullRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  head: { ref: string; sha: string };
  base: { ref: string; sha: string };
  merged: boolean;
  merge_commit_sha: string | null;
  merged_at: string | null;
  closed_at: string | null;
  created_at: string;
  updated_at: string;
  user: string;
  labels: LabelRecord[];
  /** Shas of the commits the pull request contains. */
  commits: string[];
}

/** A label on a pull request (GitHub's label: a name, a six-digit hex colour, a description). */
export interface LabelRecord {
  name: string;
  color: string;
  description: string;
}

export interface IssueCommentRecord {
  id: number;
  issue_number: number;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
}

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface ReviewRecord {
  id: number;
  pull_number: number;
  user: string;
  state: ReviewState;
  body: string;
  commit_id: string;
  submitted_at: string;
}

export interface AssetRecord {
  id: number;
  name: string;
  label: string | null;
  content_type: string;
  size: number;
  /** `sha256:<hex>` of the bytes. */
  digest: string;
  /** The bytes, base64. */
  data: string;
  download_count: number;
  uploader: string;
  created_at: string;
  updated_at: string;
}

export interface ReleaseRecord {
  id: number;
  tag_name: string;
  target_commitish: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  author: string;
  created_at: string;
  published_at: string | null;
  updated_at: string;
  assets: AssetRecord[];
  /** The last `make_latest` asked for; applied when the release is published. */
  make_latest?: 'true' | 'false' | 'legacy';
}

export interface AttestationRecord {
  id: number;
  /** Every `sha256:<hex>` subject of the attested statement. */
  subject_digests: string[];
  predicate_type: string | null;
  bundle: Record<string, unknown>;
  initiator: string;
  created_at: string;
}

export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  private: boolean;
  description: string | null;
  default_branch: string;
  created_at: string;
  updated_at: string;
  commits: CommitRecord[];
  refs: RefRecord[];
  tag_objects: TagObjectRecord[];
  pulls: PullRecord[];
  issue_comments: IssueCommentRecord[];
  reviews: ReviewRecord[];
  releases: ReleaseRecord[];
  attestations: AttestationRecord[];
  /** The release marked latest with `make_latest`; otherwise the newest published non-prerelease is latest. */
  latest_release_id: number | null;
  /** Blobs and trees (absent in state files written before the Git Data API was served). */
  git?: GitObjectStore;
  /** The branch and folder GitHub Pages serves (`gh-pages` and `/` by default). */
  pages?: { branch: string; path: string };
}

/** Everything the emulator knows; serialisable as JSON. */
export interface EmulatorState {
  version: 1;
  next_id: number;
  users: UserRecord[];
  repos: RepoRecord[];
}

export function emptyState(): EmulatorState {
  return { version: 1, next_id: 1, users: [], repos: [] };
}

/** A new unique id (GitHub ids are unique per kind; one counter keeps them unique overall). */
export function nextId(state: EmulatorState): number {
  return state.next_id++;
}

/** GitHub-style timestamp, whole seconds: `2026-01-02T03:04:05Z`. */
export function timestamp(date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function findRepo(state: EmulatorState, owner: string, name: string): RepoRecord | undefined {
  const o = owner.toLowerCase();
  const n = name.toLowerCase();
  return state.repos.find((r) => r.owner.toLowerCase() === o && r.name.toLowerCase() === n);
}

/** The account for `login`, registered on first sight (`…[bot]` logins are bots). */
export function ensureUser(state: EmulatorState, login: string, type?: UserType): UserRecord {
  const existing = state.users.find((u) => u.login.toLowerCase() === login.toLowerCase());
  if (existing) {
    if (type) existing.type = type;
    return existing;
  }
  const user: UserRecord = { login, id: nextId(state), type: type ?? (login.endsWith('[bot]') ? 'Bot' : 'User') };
  state.users.push(user);
  return user;
}

/** The commit sha a branch, tag, full ref or sha names, following annotated tags. */
export function resolveCommitish(repo: RepoRecord, commitish: string): string | undefined {
  const candidates = commitish.startsWith('refs/') ? [commitish] : [`refs/heads/${commitish}`, `refs/tags/${commitish}`];
  for (const name of candidates) {
    const ref = repo.refs.find((r) => r.ref === name);
    if (ref) return peel(repo, ref.sha);
  }
  const commit = repo.commits.find((c) => c.sha === commitish || (commitish.length >= 7 && c.sha.startsWith(commitish)));
  return commit?.sha;
}

function peel(repo: RepoRecord, sha: string): string {
  let current = sha;
  for (let i = 0; i < 10; i++) {
    const tag = repo.tag_objects.find((t) => t.sha === current);
    if (!tag) return current;
    current = tag.object.sha;
  }
  return current;
}

/** The repository's blobs and trees, created on first use. */
export function gitStore(repo: RepoRecord): GitObjectStore {
  repo.git ??= { blobs: {}, trees: {} };
  return repo.git;
}
