import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../src/index.ts';
import { chartRepoSeed, HEAD_SHA, octokitFor, OWNER, REPO } from './fixtures.ts';

const repo = { owner: OWNER, repo: REPO };
let emulator: GitHubEmulator;

beforeAll(async () => {
  const seed = chartRepoSeed();
  seed.repos![0]!.pulls![0]!.labels = ['chart', { name: 'major', color: 'b60205', description: 'Breaking change' }];
  seed.repos![0]!.releases = [{ tag_name: 'app-v1.0.0' }];
  emulator = await startGitHubEmulator({ seed, token: ['ghp_classic', 'ghs_installation'] });
});
afterAll(async () => {
  await emulator?.stop();
  expect(emulator.schemaViolations).toEqual([]);
});

describe('where the emulator once differed from GitHub', () => {
  it('serves pull requests with labels in strict mode (a label description is a string)', async () => {
    const octokit = octokitFor(emulator);
    const { data: pulls } = await octokit.pulls.list({ ...repo, state: 'all' });
    expect(pulls[0]!.labels.map((l) => [l.name, l.color, l.description])).toEqual([
      ['chart', 'ededed', ''],
      ['major', 'b60205', 'Breaking change'],
    ]);
    const { data: forCommit } = await octokit.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: HEAD_SHA });
    expect(forCommit[0]!.labels).toHaveLength(2);
  });

  it('answers a conditional request with 304 that costs no rate limit', async () => {
    const url = `${emulator.url}/repos/${OWNER}/${REPO}/releases/tags/app-v1.0.0`;
    const auth = { authorization: 'token ghp_classic' };
    const first = await fetch(url, { headers: auth });
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^W\/"[0-9a-f]{64}"$/);
    expect(first.headers.get('last-modified')).toMatch(/GMT$/);
    const remaining = Number(first.headers.get('x-ratelimit-remaining'));
    const again = await fetch(url, { headers: { ...auth, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(Number(again.headers.get('x-ratelimit-remaining'))).toBe(remaining);
    const since = await fetch(url, { headers: { ...auth, 'if-modified-since': first.headers.get('last-modified')! } });
    expect(since.status).toBe(304);
    const changed = await fetch(url, { headers: { ...auth, 'if-none-match': 'W/"stale"' } });
    expect(changed.status).toBe(200);
  });

  it('reports OAuth scopes for classic tokens and none for installation tokens', async () => {
    const url = `${emulator.url}/repos/${OWNER}/${REPO}`;
    const classic = await fetch(url, { headers: { authorization: 'token ghp_classic' } });
    expect(classic.headers.get('x-oauth-scopes')).toBe('repo, workflow');
    expect(classic.headers.get('x-accepted-oauth-scopes')).toBe('repo');
    const installation = await fetch(url, { headers: { authorization: 'Bearer ghs_installation' } });
    expect(installation.status).toBe(200);
    expect(installation.headers.get('x-oauth-scopes')).toBeNull();
  });

  it('gives anonymous callers 60 requests an hour', async () => {
    const url = `${emulator.url}/repos/${OWNER}/${REPO}`;
    const first = await fetch(url);
    expect(first.headers.get('x-ratelimit-limit')).toBe('60');
    for (let i = 1; i < 60; i++) await (await fetch(url)).arrayBuffer();
    const spent = await fetch(url);
    expect(spent.status).toBe(403);
    expect(((await spent.json()) as { message: string }).message).toMatch(/^API rate limit exceeded for /);
    expect((await fetch(url, { headers: { authorization: 'token ghp_classic' } })).status).toBe(200);
  });

  it('names the request id in the x-github-request-id header and in the secondary limit message', async () => {
    emulator.setFaults({ secondaryRateLimit: { next: 1 } });
    const response = await fetch(`${emulator.url}/repos/${OWNER}/${REPO}/releases`, { headers: { authorization: 'token ghp_classic' } });
    const id = response.headers.get('x-github-request-id')!;
    expect(id).toMatch(/^[0-9A-F]{4}:[0-9A-F]{4}:[0-9A-F]{6}:[0-9A-F]{6}:[0-9A-F]{8}$/);
    expect(((await response.json()) as { message: string }).message).toMatch(new RegExp(`include the request ID ${id}\\.$`));
  });
});
