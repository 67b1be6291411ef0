import { GitHubHttpError } from './github-errors.ts';
import { applyChanges, writeBlob } from './git-objects.ts';
import { renderFullRepository, type RenderContext } from './render-repo.ts';
import { created, stringField, type RouteHandler, type RouteRequest } from './routes-context.ts';
import { makeCommit } from './routes-git-data.ts';
import { findRepo, gitStore, nextId, timestamp, type RepoRecord } from './state.ts';

/**
 * Repository creation (`POST /user/repos`, `POST /orgs/{org}/repos`): an empty repository, or with `auto_init` one
 * commit adding a README on `main`, as GitHub makes it.
 * https://docs.github.com/en/rest/repos/repos#create-a-repository-for-the-authenticated-user
 */
function createRepo(ctx: RenderContext, req: RouteRequest, owner: string): ReturnType<RouteHandler> {
  const body = req.body ?? {};
  const name = stringField(body, 'name')!;
  if (!/^[A-Za-z0-9._-]{1,100}$/.test(name)) {
    throw new GitHubHttpError(422, 'Repository creation failed.', {
      errors: [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name is invalid' }],
    });
  }
  if (findRepo(ctx.state, owner, name)) {
    throw new GitHubHttpError(422, 'Repository creation failed.', {
      errors: [{ resource: 'Repository', code: 'custom', field: 'name', message: 'name already exists on this account' }],
    });
  }
  const now = timestamp();
  const repo: RepoRecord = {
    id: nextId(ctx.state),
    owner,
    name,
    private: body.private === true || stringField(body, 'visibility') === 'private',
    description: stringField(body, 'description') ?? null,
    default_branch: 'main',
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
  ctx.state.repos.push(repo);
  if (body.auto_init === true) {
    const store = gitStore(repo);
    const tree = applyChanges(store, undefined, [
      { path: 'README.md', entry: { mode: '100644', type: 'blob', sha: writeBlob(store, Buffer.from(`# ${name}\n`)) } },
    ]);
    const commit = makeCommit(ctx, repo, { message: 'Initial commit', tree, parents: [] }, req.actor!);
    repo.refs.push({ ref: 'refs/heads/main', sha: commit.sha });
  }
  const rendered = renderFullRepository(ctx, repo);
  return created(rendered, rendered.url);
}

/** An installation token (a bot, like a workflow's GITHUB_TOKEN) cannot create a repository for itself. */
const forUser: RouteHandler = (ctx, req) => {
  if (ctx.state.users.find((u) => u.login === req.actor)?.type === 'Bot' || req.actor!.endsWith('[bot]'))
    throw new GitHubHttpError(403, 'Resource not accessible by integration');
  return createRepo(ctx, req, req.actor!);
};

const forOrg: RouteHandler = (ctx, req) => {
  const wanted = (req.params.org ?? '').toLowerCase();
  const org = ctx.state.users.find((u) => u.login.toLowerCase() === wanted);
  if (org?.type !== 'Organization') throw new GitHubHttpError(404, 'Not Found');
  return createRepo(ctx, req, org.login);
};

export const repoRoutes: Record<string, RouteHandler> = {
  'repos/create-for-authenticated-user': forUser,
  'repos/create-in-org': forOrg,
};
