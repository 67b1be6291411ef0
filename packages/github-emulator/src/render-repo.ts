import { ensureUser, type EmulatorState, type RepoRecord } from './state.ts';

/**
 * What every renderer needs: the state and where the emulator is served. Like github.com, the API, uploads, the web,
 * storage and Pages each on an origin of their own; like GitHub Enterprise Server (`enterprise`), the API under
 * `/api/v3`, uploads under `/api/uploads` and the web at the root of one origin (storage and Pages apart).
 */
export interface RenderContext {
  state: EmulatorState;
  /** The API root, no trailing slash. */
  baseUrl: string;
  /** Where release asset uploads go (GitHub: uploads.github.com; Enterprise Server: `/api/uploads`). */
  uploadsUrl: string;
  /** The web origin (github.com): `html_url`, `browser_download_url`, raw files. */
  webUrl: string;
  /** Release asset storage, where downloads redirect to (another origin, as on GitHub). */
  storageUrl: string;
  /** The GitHub Pages origin. */
  pagesUrl: string;
  /** Signs storage URLs. */
  storageSecret: string;
}

/** A stable GraphQL-style node id for a record. */
export function nodeId(kind: string, id: number | string): string {
  return Buffer.from(`0:${kind}${id}`).toString('base64').replace(/=+$/, '');
}

export function htmlUrl(ctx: RenderContext, path: string): string {
  return `${ctx.webUrl}/${path}`;
}

/** `simple-user` for an account known to the state. */
export function renderUser(ctx: RenderContext, login: string) {
  const user = ensureUser(ctx.state, login);
  const url = `${ctx.baseUrl}/users/${encodeURIComponent(user.login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type === 'Bot' ? 'Bot' : user.type === 'Organization' ? 'Organization' : 'User', user.id),
    avatar_url: `${ctx.baseUrl}/_emulator/avatars/${user.id}`,
    gravatar_id: '',
    url,
    html_url: htmlUrl(ctx, encodeURIComponent(user.login)),
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: user.type,
    site_admin: false,
    user_view_type: 'public',
  };
}

const REPO_URL_TEMPLATES: Record<string, string> = {
  archive_url: '/{archive_format}{/ref}',
  assignees_url: '/assignees{/user}',
  blobs_url: '/git/blobs{/sha}',
  branches_url: '/branches{/branch}',
  collaborators_url: '/collaborators{/collaborator}',
  comments_url: '/comments{/number}',
  commits_url: '/commits{/sha}',
  compare_url: '/compare/{base}...{head}',
  contents_url: '/contents/{+path}',
  contributors_url: '/contributors',
  deployments_url: '/deployments',
  downloads_url: '/downloads',
  events_url: '/events',
  forks_url: '/forks',
  git_commits_url: '/git/commits{/sha}',
  git_refs_url: '/git/refs{/sha}',
  git_tags_url: '/git/tags{/sha}',
  hooks_url: '/hooks',
  issue_comment_url: '/issues/comments{/number}',
  issue_events_url: '/issues/events{/number}',
  issues_url: '/issues{/number}',
  keys_url: '/keys{/key_id}',
  labels_url: '/labels{/name}',
  languages_url: '/languages',
  merges_url: '/merges',
  milestones_url: '/milestones{/number}',
  notifications_url: '/notifications{?since,all,participating}',
  pulls_url: '/pulls{/number}',
  releases_url: '/releases{/id}',
  stargazers_url: '/stargazers',
  statuses_url: '/statuses/{sha}',
  subscribers_url: '/subscribers',
  subscription_url: '/subscription',
  tags_url: '/tags',
  teams_url: '/teams',
  trees_url: '/git/trees{/sha}',
};

export function repoApiUrl(ctx: RenderContext, repo: RepoRecord): string {
  return `${ctx.baseUrl}/repos/${repo.owner}/${repo.name}`;
}

/** `repository` (as embedded in pull requests). */
export function renderRepository(ctx: RenderContext, repo: RepoRecord) {
  const url = repoApiUrl(ctx, repo);
  const host = new URL(ctx.baseUrl).host;
  const html = htmlUrl(ctx, `${repo.owner}/${repo.name}`);
  const urls = Object.fromEntries(Object.entries(REPO_URL_TEMPLATES).map(([key, suffix]) => [key, `${url}${suffix}`]));
  const pushedAt = repo.commits.at(-1)?.committer.date ?? repo.updated_at;
  return {
    id: repo.id,
    node_id: nodeId('Repository', repo.id),
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    owner: renderUser(ctx, repo.owner),
    private: repo.private,
    html_url: html,
    description: repo.description,
    fork: false,
    url,
    ...urls,
    git_url: `git://${host}/${repo.owner}/${repo.name}.git`,
    ssh_url: `git@${host}:${repo.owner}/${repo.name}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    mirror_url: null,
    homepage: null,
    language: null,
    forks: 0,
    forks_count: 0,
    stargazers_count: 0,
    watchers: 0,
    watchers_count: 0,
    size: 0,
    default_branch: repo.default_branch,
    open_issues: repo.pulls.filter((p) => p.state === 'open').length,
    open_issues_count: repo.pulls.filter((p) => p.state === 'open').length,
    is_template: false,
    topics: [],
    has_issues: true,
    has_projects: false,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: false,
    archived: false,
    disabled: false,
    visibility: repo.private ? 'private' : 'public',
    pushed_at: pushedAt,
    created_at: repo.created_at,
    updated_at: repo.updated_at,
    permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
    allow_rebase_merge: true,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    allow_forking: true,
    web_commit_signoff_required: false,
    license: null,
  };
}

/** `full-repository` (GET /repos/{owner}/{repo}). */
export function renderFullRepository(ctx: RenderContext, repo: RepoRecord) {
  const owner = ensureUser(ctx.state, repo.owner);
  return {
    ...renderRepository(ctx, repo),
    temp_clone_token: '',
    allow_update_branch: false,
    use_squash_pr_title_as_default: false,
    ...(owner.type === 'Organization' ? { organization: renderUser(ctx, owner.login) } : {}),
    network_count: 0,
    subscribers_count: 0,
  };
}
