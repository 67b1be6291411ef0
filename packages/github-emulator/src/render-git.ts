import { htmlUrl, nodeId, renderUser, repoApiUrl, type RenderContext } from './render-repo.ts';
import type { CommitRecord, GitPerson, RefRecord, RepoRecord, TagObjectRecord } from './state.ts';

const UNSIGNED = { verified: false, reason: 'unsigned', signature: null, payload: null, verified_at: null };

/** The `verification` object: `valid` for a commit GitHub signed itself, `unsigned` otherwise. */
export function verificationOf(commit: CommitRecord) {
  if (!commit.signature) return UNSIGNED;
  return {
    verified: true,
    reason: 'valid',
    signature: commit.signature.signature,
    payload: commit.signature.payload,
    verified_at: commit.signature.verified_at,
  };
}

/** `git-commit` (GET/POST /repos/{owner}/{repo}/git/commits). */
export function renderGitCommit(ctx: RenderContext, repo: RepoRecord, commit: CommitRecord) {
  const api = repoApiUrl(ctx, repo);
  const html = htmlUrl(ctx, `${repo.owner}/${repo.name}`);
  return {
    sha: commit.sha,
    node_id: nodeId('Commit', commit.sha),
    url: `${api}/git/commits/${commit.sha}`,
    html_url: `${html}/commit/${commit.sha}`,
    author: person(commit.author),
    committer: person(commit.committer),
    tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
    message: commit.message,
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/git/commits/${sha}`, html_url: `${html}/commit/${sha}` })),
    verification: verificationOf(commit),
  };
}

/** `commit` (GET /repos/{owner}/{repo}/commits/{ref}). */
export function renderCommit(ctx: RenderContext, repo: RepoRecord, commit: CommitRecord) {
  const api = repoApiUrl(ctx, repo);
  const html = htmlUrl(ctx, `${repo.owner}/${repo.name}`);
  const account = commit.authorLogin ? renderUser(ctx, commit.authorLogin) : null;
  return {
    url: `${api}/commits/${commit.sha}`,
    sha: commit.sha,
    node_id: nodeId('Commit', commit.sha),
    html_url: `${html}/commit/${commit.sha}`,
    comments_url: `${api}/commits/${commit.sha}/comments`,
    commit: {
      url: `${api}/git/commits/${commit.sha}`,
      author: person(commit.author),
      committer: person(commit.committer),
      message: commit.message,
      comment_count: 0,
      tree: { sha: commit.tree, url: `${api}/git/trees/${commit.tree}` },
      verification: verificationOf(commit),
    },
    author: account,
    committer: account,
    parents: commit.parents.map((sha) => ({ sha, url: `${api}/commits/${sha}`, html_url: `${html}/commit/${sha}` })),
    stats: { additions: 0, deletions: 0, total: 0 },
    files: [],
  };
}

function person(p: GitPerson) {
  return { name: p.name, email: p.email, date: p.date };
}

/** `git-ref`: the object is a tag when the sha names an annotated tag object. */
export function renderRef(ctx: RenderContext, repo: RepoRecord, ref: RefRecord) {
  const api = repoApiUrl(ctx, repo);
  const isTag = repo.tag_objects.some((t) => t.sha === ref.sha);
  return {
    ref: ref.ref,
    node_id: nodeId('Ref', `${repo.id}:${ref.ref}`),
    url: `${api}/git/${ref.ref}`,
    object: { type: isTag ? 'tag' : 'commit', sha: ref.sha, url: `${api}/git/${isTag ? 'tags' : 'commits'}/${ref.sha}` },
  };
}

/** `git-tag` (an annotated tag object). */
export function renderTagObject(ctx: RenderContext, repo: RepoRecord, tag: TagObjectRecord) {
  const api = repoApiUrl(ctx, repo);
  const objectKind = tag.object.type === 'tag' ? 'tags' : `${tag.object.type}s`;
  return {
    node_id: nodeId('Tag', tag.sha),
    sha: tag.sha,
    url: `${api}/git/tags/${tag.sha}`,
    tag: tag.tag,
    message: tag.message,
    tagger: person(tag.tagger),
    object: { type: tag.object.type, sha: tag.object.sha, url: `${api}/git/${objectKind}/${tag.object.sha}` },
    verification: UNSIGNED,
  };
}
