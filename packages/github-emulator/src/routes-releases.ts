import { notFound, validationFailed } from './github-errors.ts';
import { generateNotes } from './release-notes.ts';
import { renderRelease } from './render-release.ts';
import type { RenderContext } from './render-repo.ts';
import { created, listed, noContent, numberParam, ok, repoOf, stringField, type RouteHandler, type RouteRequest } from './routes-context.ts';
import { isValidRefName } from './ref-names.ts';
import { setRef } from './seed.ts';
import { ensureUser, nextId, resolveCommitish, timestamp, type ReleaseRecord, type RepoRecord } from './state.ts';

/** Drafts are visible only to users with push access. */
function visible(release: ReleaseRecord, req: RouteRequest): boolean {
  return !release.draft || req.canPush;
}

function releaseOf(ctx: RenderContext, req: RouteRequest): { repo: RepoRecord; release: ReleaseRecord } {
  const repo = repoOf(ctx, req);
  const id = numberParam(req, 'release_id');
  const release = repo.releases.find((r) => r.id === id);
  if (!release || !visible(release, req)) throw notFound();
  return { repo, release };
}

/** Newest first, as GitHub lists them. */
function newestFirst(releases: ReleaseRecord[]): ReleaseRecord[] {
  return [...releases].sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);
}

/**
 * The latest release: the one marked with `make_latest: true`, else the newest published non-prerelease that was
 * not created with `make_latest: false`. https://docs.github.com/en/rest/releases/releases#get-the-latest-release
 */
export function latestRelease(repo: RepoRecord): ReleaseRecord | undefined {
  const eligible = (r: ReleaseRecord) => !r.draft && !r.prerelease;
  const marked = repo.releases.find((r) => r.id === repo.latest_release_id);
  if (marked && eligible(marked)) return marked;
  return newestFirst(repo.releases).find((r) => eligible(r) && r.make_latest !== 'false');
}

/** Publishing makes the tag (at `target_commitish`) if it does not exist, and refuses a tag another release has. */
function publish(repo: RepoRecord, release: ReleaseRecord): void {
  if (repo.releases.some((r) => r.id !== release.id && !r.draft && r.tag_name === release.tag_name)) {
    throw validationFailed('Release', 'already_exists', 'tag_name');
  }
  if (!repo.refs.some((r) => r.ref === `refs/tags/${release.tag_name}`)) {
    const sha = resolveCommitish(repo, release.target_commitish);
    if (!sha) throw validationFailed('Release', 'invalid', 'target_commitish');
    setRef(repo, `refs/tags/${release.tag_name}`, sha);
  }
  release.published_at ??= timestamp();
}

/** `make_latest` applies when given, and when a release is published (the draft's earlier choice, else true). */
function applyMakeLatest(repo: RepoRecord, release: ReleaseRecord, mode: ReleaseRecord['make_latest'], justPublished: boolean): void {
  if (mode !== undefined) release.make_latest = mode;
  if (release.draft || release.prerelease) {
    if (repo.latest_release_id === release.id) repo.latest_release_id = null;
    return;
  }
  const effective = mode ?? (justPublished ? (release.make_latest ?? 'true') : undefined);
  if (effective === 'true') repo.latest_release_id = release.id;
  else if (effective !== undefined && repo.latest_release_id === release.id) repo.latest_release_id = null;
}

function makeLatestField(body: Record<string, unknown>): ReleaseRecord['make_latest'] {
  return stringField(body, 'make_latest') as ReleaseRecord['make_latest'];
}

const list: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const releases = newestFirst(repo.releases.filter((r) => visible(r, req)));
  return listed(req, releases, (r) => renderRelease(ctx, repo, r));
};

const create: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const body = req.body ?? {};
  const now = timestamp();
  const tagName = stringField(body, 'tag_name')!;
  if (!tagName.trim()) throw validationFailed('Release', 'missing_field', 'tag_name');
  if (!isValidRefName(tagName)) throw validationFailed('Release', 'invalid', 'tag_name');
  const release: ReleaseRecord = {
    id: nextId(ctx.state),
    tag_name: tagName,
    target_commitish: stringField(body, 'target_commitish') ?? repo.default_branch,
    name: stringField(body, 'name') ?? null,
    body: stringField(body, 'body') ?? null,
    draft: body.draft === true,
    prerelease: body.prerelease === true,
    author: ensureUser(ctx.state, req.actor!).login,
    created_at: now,
    published_at: null,
    updated_at: now,
    assets: [],
  };
  if (body.generate_release_notes === true) {
    // GitHub's generated name unless one is given; a given body comes before the generated notes
    const notes = generateNotes(ctx, repo, tagName, release.target_commitish, stringField(body, 'previous_tag_name'));
    release.name ??= notes.name;
    release.body = release.body ? `${release.body}\n\n${notes.body}` : notes.body;
  }
  if (!release.draft) publish(repo, release);
  repo.releases.push(release);
  applyMakeLatest(repo, release, makeLatestField(body), !release.draft);
  const rendered = renderRelease(ctx, repo, release);
  return created(rendered, rendered.url);
};

const get: RouteHandler = (ctx, req) => {
  const { repo, release } = releaseOf(ctx, req);
  return ok(renderRelease(ctx, repo, release));
};

const update: RouteHandler = (ctx, req) => {
  const { repo, release: current } = releaseOf(ctx, req);
  const body = req.body ?? {};
  // change a copy, so a refused update (a tag another release has) leaves the release as it was
  const release = { ...current };
  for (const field of ['tag_name', 'target_commitish', 'name', 'body'] as const) {
    const value = stringField(body, field);
    if (value !== undefined) release[field] = value;
  }
  if (typeof body.prerelease === 'boolean') release.prerelease = body.prerelease;
  if (typeof body.draft === 'boolean') release.draft = body.draft;
  if (!isValidRefName(release.tag_name)) throw validationFailed('Release', 'invalid', 'tag_name');
  const justPublished = current.draft && !release.draft;
  if (!release.draft && (justPublished || release.tag_name !== current.tag_name)) publish(repo, release);
  if (release.draft) release.published_at = null;
  release.updated_at = timestamp();
  Object.assign(current, release);
  applyMakeLatest(repo, current, makeLatestField(body), justPublished);
  return ok(renderRelease(ctx, repo, current));
};

const remove: RouteHandler = (ctx, req) => {
  const { repo, release } = releaseOf(ctx, req);
  // GitHub keeps the tag when a release is deleted
  repo.releases = repo.releases.filter((r) => r.id !== release.id);
  if (repo.latest_release_id === release.id) repo.latest_release_id = null;
  return noContent;
};

/** Only published releases are found by tag, on GitHub as here; drafts are found by listing. */
const byTag: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const release = repo.releases.find((r) => !r.draft && r.tag_name === req.params.tag);
  if (!release) throw notFound();
  return ok(renderRelease(ctx, repo, release));
};

const latest: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const release = latestRelease(repo);
  if (!release) throw notFound();
  return ok(renderRelease(ctx, repo, release));
};

const notes: RouteHandler = (ctx, req) => {
  const repo = repoOf(ctx, req);
  const body = req.body ?? {};
  const tagName = stringField(body, 'tag_name')!;
  const previous = stringField(body, 'previous_tag_name');
  if (previous !== undefined && !repo.refs.some((r) => r.ref === `refs/tags/${previous}`)) throw validationFailed('Release', 'invalid', 'previous_tag_name');
  return ok(generateNotes(ctx, repo, tagName, stringField(body, 'target_commitish') ?? repo.default_branch, previous));
};

export const releaseRoutes: Record<string, RouteHandler> = {
  'repos/generate-release-notes': notes,
  'repos/list-releases': list,
  'repos/create-release': create,
  'repos/get-release': get,
  'repos/update-release': update,
  'repos/delete-release': remove,
  'repos/get-release-by-tag': byTag,
  'repos/get-latest-release': latest,
};
