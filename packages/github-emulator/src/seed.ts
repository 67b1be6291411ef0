import { createHash } from 'node:crypto';
import { attestationSubjects } from './attestation-bundle.ts';
import { applyChanges, writeBlob, writeTree } from './git-objects.ts';
import {
  ensureUser,
  findRepo,
  gitStore,
  nextId,
  resolveCommitish,
  timestamp,
  type EmulatorState,
  type GitPerson,
  type RepoRecord,
  type ReviewState,
  type UserType,
} from './state.ts';

/** Fixtures to set up repositories quickly; everything but `owner`/`name` is optional. */
export interface EmulatorSeed {
  users?: { login: string; type?: UserType }[];
  repos?: RepoSeed[];
}

export interface RepoSeed {
  owner: string;
  name: string;
  private?: boolean;
  description?: string;
  /** `main` by default; points at the last of `commits`. */
  defaultBranch?: string;
  /** Oldest first; each commit's parent is the one before unless `parents` says otherwise. One is made if empty. */
  commits?: CommitSeed[];
  /** Extra branches: name -> commit sha. */
  branches?: Record<string, string>;
  /** Lightweight tags: name -> commit sha. */
  tags?: Record<string, string>;
  pulls?: PullSeed[];
  releases?: ReleaseSeed[];
  attestations?: AttestationSeed[];
  /** The branch and folder GitHub Pages serves (`gh-pages` and `/` by default). */
  pages?: { branch?: string; path?: string };
}

export interface CommitSeed {
  /** 40 hex digits; derived from the message and position when absent. */
  sha?: string;
  message: string;
  parents?: string[];
  author?: { name?: string; email?: string; date?: string; login?: string };
  /** Files this commit adds or changes (path -> UTF-8 text; `null` deletes), on its parent's tree. */
  files?: Record<string, string | null>;
  /** The branch the commit goes on (its parent is that branch's head); the default branch when absent. */
  branch?: string;
}

export interface PullSeed {
  number?: number;
  title: string;
  body?: string | null;
  state?: 'open' | 'closed';
  head: { sha: string; ref: string };
  base: { ref: string; sha?: string };
  merged?: boolean;
  merge_commit_sha?: string | null;
  merged_at?: string;
  user?: { login: string; type?: UserType };
  /** Names, or labels with a colour (hex, `ededed` by default) and a description. */
  labels?: (string | { name: string; color?: string; description?: string })[];
  /** Commit shas in the pull request (found by `commits/{sha}/pulls`); `head.sha` always counts. */
  commits?: string[];
  comments?: { body: string; user: { login: string; type?: UserType }; created_at?: string }[];
  reviews?: { user: { login: string; type?: UserType }; state: ReviewState; body?: string; commit_id?: string; submitted_at?: string }[];
}

export interface ReleaseSeed {
  tag_name: string;
  name?: string | null;
  body?: string | null;
  draft?: boolean;
  prerelease?: boolean;
  target_commitish?: string;
  /** Marks the release latest (the newest published non-prerelease is latest otherwise). */
  make_latest?: boolean;
  author?: string;
  created_at?: string;
  assets?: AssetSeed[];
}

export interface AssetSeed {
  name: string;
  label?: string;
  content_type?: string;
  /** The bytes as UTF-8 text, or `base64` for binary. */
  content?: string;
  base64?: string;
}

export interface AttestationSeed {
  /** `sha256:<hex>`; read from the bundle's in-toto statement when absent. */
  subject_digest?: string;
  bundle: Record<string, unknown>;
  predicate_type?: string;
  initiator?: string;
}

const DEFAULT_PERSON = { name: 'Chart Maintainer', email: 'maintainer@example.com' };

/** Adds the seed's users and repositories to `state` (repositories that exist already get the new records added). */
export function applySeed(state: EmulatorState, seed: EmulatorSeed, actor: string): void {
  for (const user of seed.users ?? []) ensureUser(state, user.login, user.type);
  for (const repoSeed of seed.repos ?? []) seedRepo(state, repoSeed, actor);
}

function seedRepo(state: EmulatorState, seed: RepoSeed, actor: string): void {
  ensureUser(state, seed.owner);
  const now = timestamp();
  let repo = findRepo(state, seed.owner, seed.name);
  if (!repo) {
    repo = {
      id: nextId(state),
      owner: seed.owner,
      name: seed.name,
      private: seed.private ?? false,
      description: seed.description ?? null,
      default_branch: seed.defaultBranch ?? 'main',
      created_at: now,
      updated_at: now,
      commits: [],
      refs: [],
      tag_objects: [],
      pulls: [],
      issue_comments: [],
      reviews: [],
      releases: [],
      attestations: [],
      latest_release_id: null,
    };
    state.repos.push(repo);
  }
  if (seed.pages) repo.pages = { branch: seed.pages.branch ?? 'gh-pages', path: seed.pages.path ?? '/' };
  const commits = seed.commits?.length ? seed.commits : repo.commits.length ? [] : [{ message: 'Initial commit' }];
  for (const commit of commits) {
    const branch = commit.branch ?? repo.default_branch;
    const head = repo.refs.find((r) => r.ref === `refs/heads/${branch}`)?.sha;
    setRef(repo, `refs/heads/${branch}`, addCommit(state, repo, commit, head));
  }
  for (const [branch, sha] of Object.entries(seed.branches ?? {})) setRef(repo, `refs/heads/${branch}`, sha);
  for (const [tag, sha] of Object.entries(seed.tags ?? {})) setRef(repo, `refs/tags/${tag}`, sha);
  for (const pull of seed.pulls ?? []) seedPull(state, repo, pull);
  for (const release of seed.releases ?? []) seedRelease(state, repo, release, actor);
  for (const attestation of seed.attestations ?? []) seedAttestation(state, repo, attestation, actor);
}

/** Adds a seeded commit (on `head`, the branch's current commit) and returns its sha. */
function addCommit(state: EmulatorState, repo: RepoRecord, seed: CommitSeed, head: string | undefined): string {
  const index = repo.commits.length;
  const sha = seed.sha ?? sha1(`${repo.owner}/${repo.name}\n${index}\n${seed.message}`);
  if (repo.commits.some((c) => c.sha === sha)) return sha;
  const parents = seed.parents ?? (head ? [head] : []);
  const store = gitStore(repo);
  const parentTree = repo.commits.find((c) => c.sha === parents[0])?.tree ?? writeTree(store, []);
  const changes = Object.entries(seed.files ?? {}).map(([path, text]) => ({
    path,
    entry: text === null ? null : { mode: '100644', type: 'blob' as const, sha: writeBlob(store, Buffer.from(text, 'utf8')) },
  }));
  const person: GitPerson = {
    name: seed.author?.name ?? DEFAULT_PERSON.name,
    email: seed.author?.email ?? DEFAULT_PERSON.email,
    date: seed.author?.date ?? timestamp(),
  };
  if (seed.author?.login) ensureUser(state, seed.author.login);
  repo.commits.push({
    sha,
    message: seed.message,
    tree: changes.length ? applyChanges(store, parentTree, changes) : parentTree,
    parents,
    author: person,
    committer: person,
    authorLogin: seed.author?.login,
  });
  return sha;
}

export function setRef(repo: RepoRecord, ref: string, sha: string): void {
  const existing = repo.refs.find((r) => r.ref === ref);
  if (existing) existing.sha = sha;
  else repo.refs.push({ ref, sha });
}

function seedPull(state: EmulatorState, repo: RepoRecord, seed: PullSeed): void {
  const now = timestamp();
  const number = seed.number ?? Math.max(0, ...repo.pulls.map((p) => p.number)) + 1;
  const login = seed.user?.login ?? 'octocat';
  ensureUser(state, login, seed.user?.type);
  const merged = seed.merged ?? false;
  const mergedAt = merged ? (seed.merged_at ?? now) : null;
  repo.pulls = repo.pulls.filter((p) => p.number !== number);
  repo.pulls.push({
    id: nextId(state),
    number,
    title: seed.title,
    body: seed.body ?? null,
    state: seed.state ?? (merged ? 'closed' : 'open'),
    head: { ref: seed.head.ref, sha: seed.head.sha },
    base: { ref: seed.base.ref, sha: seed.base.sha ?? repo.refs.find((r) => r.ref === `refs/heads/${seed.base.ref}`)?.sha ?? repo.commits.at(-1)!.sha },
    merged,
    merge_commit_sha: seed.merge_commit_sha ?? null,
    merged_at: mergedAt,
    closed_at: merged ? mergedAt : seed.state === 'closed' ? now : null,
    created_at: now,
    updated_at: now,
    user: login,
    labels: (seed.labels ?? []).map((l) =>
      typeof l === 'string' ? { name: l, color: 'ededed', description: '' } : { name: l.name, color: l.color ?? 'ededed', description: l.description ?? '' },
    ),
    commits: [...new Set([...(seed.commits ?? []), seed.head.sha])],
  });
  for (const comment of seed.comments ?? []) {
    ensureUser(state, comment.user.login, comment.user.type);
    const at = comment.created_at ?? now;
    repo.issue_comments.push({ id: nextId(state), issue_number: number, body: comment.body, user: comment.user.login, created_at: at, updated_at: at });
  }
  for (const review of seed.reviews ?? []) {
    ensureUser(state, review.user.login, review.user.type);
    repo.reviews.push({
      id: nextId(state),
      pull_number: number,
      user: review.user.login,
      state: review.state,
      body: review.body ?? '',
      commit_id: review.commit_id ?? seed.head.sha,
      submitted_at: review.submitted_at ?? now,
    });
  }
}

function seedRelease(state: EmulatorState, repo: RepoRecord, seed: ReleaseSeed, actor: string): void {
  const at = seed.created_at ?? timestamp();
  const author = seed.author ?? actor;
  ensureUser(state, author);
  const draft = seed.draft ?? false;
  const target = seed.target_commitish ?? repo.default_branch;
  const release = {
    id: nextId(state),
    tag_name: seed.tag_name,
    target_commitish: target,
    name: seed.name ?? seed.tag_name,
    body: seed.body ?? null,
    draft,
    prerelease: seed.prerelease ?? false,
    author,
    created_at: at,
    published_at: draft ? null : at,
    updated_at: at,
    assets: (seed.assets ?? []).map((asset) => {
      const bytes = asset.base64 !== undefined ? Buffer.from(asset.base64, 'base64') : Buffer.from(asset.content ?? '', 'utf8');
      return {
        id: nextId(state),
        name: asset.name,
        label: asset.label ?? null,
        content_type: asset.content_type ?? 'application/octet-stream',
        size: bytes.length,
        digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
        data: bytes.toString('base64'),
        download_count: 0,
        uploader: author,
        created_at: at,
        updated_at: at,
      };
    }),
  };
  repo.releases.push(release);
  if (!draft && !repo.refs.some((r) => r.ref === `refs/tags/${seed.tag_name}`)) {
    setRef(repo, `refs/tags/${seed.tag_name}`, resolveCommitish(repo, target) ?? repo.commits.at(-1)!.sha);
  }
  if (seed.make_latest && !draft && !release.prerelease) repo.latest_release_id = release.id;
}

function seedAttestation(state: EmulatorState, repo: RepoRecord, seed: AttestationSeed, actor: string): void {
  const subjects = seed.subject_digest ? [seed.subject_digest] : attestationSubjects(seed.bundle).digests;
  repo.attestations.push({
    id: nextId(state),
    subject_digests: subjects,
    predicate_type: seed.predicate_type ?? attestationSubjects(seed.bundle).predicateType,
    bundle: seed.bundle,
    initiator: seed.initiator ?? actor,
    created_at: timestamp(),
  });
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
