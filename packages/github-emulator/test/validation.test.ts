import { memoryLogger } from '@chart-release/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../src/index.ts';
import { chartRepoSeed, octokitFor, OWNER, REPO } from './fixtures.ts';

const repo = { owner: OWNER, repo: REPO };

describe('requests the OpenAPI description rejects', () => {
  let emulator: GitHubEmulator;
  beforeAll(async () => {
    emulator = await startGitHubEmulator({ seed: chartRepoSeed() });
  });
  afterAll(() => emulator?.stop());

  it('answer 422 naming a missing required field, as GitHub does', async () => {
    const octokit = octokitFor(emulator);
    const error = await octokit.request('POST /repos/{owner}/{repo}/releases', { ...repo, name: 'no tag' } as never).catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 422,
      response: { data: { message: 'Invalid request.\n\n"tag_name" wasn\'t supplied.', documentation_url: expect.any(String) } },
    });
    expect(emulator.state.repos[0]!.releases).toEqual([]);
    expect(emulator.requests.at(-1)).toMatchObject({ operationId: 'repos/create-release', status: 422, fault: 'schema' });
  });

  it('answer 422 naming a field of the wrong type', async () => {
    const octokit = octokitFor(emulator);
    const error = await octokit.request('POST /repos/{owner}/{repo}/releases', { ...repo, tag_name: 'x-v1', draft: 'yes' } as never).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 422 });
    expect((error as { response: { data: { message: string } } }).response.data.message).toBe(
      `Invalid request.\n\nFor 'properties/draft', "yes" is not a boolean.`,
    );
  });

  it('answer 422 for an upload without the required name parameter', async () => {
    const response = await fetch(`${emulator.uploadsUrl}/repos/${OWNER}/${REPO}/releases/1/assets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/gzip' },
      body: 'bytes',
    });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { message: string }).message).toContain('"name" wasn\'t supplied.');
  });

  it('answer 400 for a body that is not JSON', async () => {
    const response = await fetch(`${emulator.url}/repos/${OWNER}/${REPO}/releases`, {
      method: 'POST',
      headers: { authorization: `token ${emulator.token}`, 'content-type': 'application/json' },
      body: '{"tag_name":',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ message: 'Problems parsing JSON' });
  });

  it('answer 404 for paths GitHub does not have and 501 naming an operation the emulator does not implement', async () => {
    expect((await fetch(`${emulator.url}/no/such/path`)).status).toBe(404);
    const response = await fetch(`${emulator.url}/repos/${OWNER}/${REPO}/hooks`, { headers: { authorization: `token ${emulator.token}` } });
    expect(response.status).toBe(501);
    expect(((await response.json()) as { message: string }).message).toContain('repos/list-webhooks');
  });
});

describe('authentication', () => {
  let emulator: GitHubEmulator;
  beforeAll(async () => {
    emulator = await startGitHubEmulator({
      token: ['ghp_firsttokenfortests000000000000000000', 'ghs_secondtokenfortests0000000000000000'],
      seed: { repos: [...chartRepoSeed().repos!, { owner: OWNER, name: 'secret', private: true }] },
    });
  });
  afterAll(() => emulator?.stop());

  it('refuses writes without a token with 401 Requires authentication', async () => {
    const error = await octokitFor(emulator, { auth: null })
      .repos.createRelease({ ...repo, tag_name: 'x-v1' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, response: { data: { message: 'Requires authentication', documentation_url: expect.any(String) } } });
  });

  it('refuses a wrong token with 401 Bad credentials, even for public reads', async () => {
    const error = await octokitFor(emulator, { auth: 'ghp_wrongtoken' })
      .repos.get(repo)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401, response: { data: { message: 'Bad credentials' } } });
  });

  it('accepts every configured token, with the token and Bearer schemes', async () => {
    expect(emulator.token).toBe('ghp_firsttokenfortests000000000000000000');
    expect((await octokitFor(emulator, { auth: 'ghs_secondtokenfortests0000000000000000' }).repos.get(repo)).status).toBe(200);
    const bearer = await fetch(`${emulator.url}/repos/${OWNER}/${REPO}`, { headers: { authorization: `Bearer ${emulator.token}` } });
    expect(bearer.status).toBe(200);
  });

  it('hides private repositories from anonymous requests', async () => {
    await expect(octokitFor(emulator, { auth: null }).repos.get({ owner: OWNER, repo: 'secret' })).rejects.toMatchObject({ status: 404 });
    expect((await octokitFor(emulator).repos.get({ owner: OWNER, repo: 'secret' })).data.private).toBe(true);
  });

  it('gives a read-only token reads but no drafts, and 403 Resource not accessible by integration on writes', async () => {
    const readOnly = 'ghs_readonlytoken0000000000000000000000';
    const github = await startGitHubEmulator({
      readOnlyTokens: [readOnly],
      seed: { repos: [{ owner: OWNER, name: REPO, releases: [{ tag_name: 'app-v1.0.0' }, { tag_name: 'app-v1.1.0', draft: true }] }] },
    });
    try {
      const reader = octokitFor(github, { auth: readOnly });
      expect((await reader.repos.listReleases(repo)).data.map((r) => r.tag_name)).toEqual(['app-v1.0.0']);
      expect((await octokitFor(github).repos.listReleases(repo)).data).toHaveLength(2);
      const error = await reader.repos.createRelease({ ...repo, tag_name: 'app-v2.0.0' }).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 403, response: { data: { message: 'Resource not accessible by integration' } } });
    } finally {
      await github.stop();
    }
  });

  it('requires a token for reads too when anonymous reads are off', async () => {
    const closed = await startGitHubEmulator({ anonymousReads: false, seed: chartRepoSeed() });
    try {
      await expect(octokitFor(closed, { auth: null }).repos.get(repo)).rejects.toMatchObject({ status: 401 });
    } finally {
      await closed.stop();
    }
  });
});

describe('strict response validation', () => {
  it('turns a response that does not match the schema into a 500 naming the problem, and records it', async () => {
    const emulator = await startGitHubEmulator({ seed: { repos: [{ ...chartRepoSeed().repos![0]!, releases: [{ tag_name: 'app-v1.0.0' }] }] } });
    try {
      const release = emulator.state.repos[0]!.releases[0]!;
      // corrupt the state the response is rendered from
      (release as unknown as { tag_name: unknown }).tag_name = 42;
      const error = await octokitFor(emulator)
        .repos.getRelease({ ...repo, release_id: release.id })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 500 });
      const body = (error as { response: { data: { message: string; errors: { path: string }[] } } }).response.data;
      expect(body.message).toContain('repos/get-release');
      expect(body.errors.map((e) => e.path)).toContain('/tag_name');
      expect(emulator.schemaViolations).toEqual([
        expect.objectContaining({
          operationId: 'repos/get-release',
          status: 200,
          problems: expect.arrayContaining([expect.objectContaining({ path: '/tag_name' })]),
        }),
      ]);
    } finally {
      await emulator.stop();
    }
  });

  it('sends such a response anyway when strict is off, and still records the violation', async () => {
    const emulator = await startGitHubEmulator({ strict: false, seed: { repos: [{ owner: OWNER, name: REPO, releases: [{ tag_name: 'app-v1.0.0' }] }] } });
    try {
      const release = emulator.state.repos[0]!.releases[0]!;
      (release as unknown as { draft: unknown }).draft = 'no';
      const { data, status } = await octokitFor(emulator).repos.getRelease({ ...repo, release_id: release.id });
      expect(status).toBe(200);
      expect(data.draft).toBe('no');
      expect(emulator.schemaViolations).toHaveLength(1);
      expect(emulator.schemaViolations[0]!.problems[0]).toMatchObject({ path: '/draft' });
    } finally {
      await emulator.stop();
    }
  });
});

describe('logs', () => {
  it('log every request with its operation and status, and never a token', async () => {
    const logger = memoryLogger();
    const token = 'ghp_logtesttoken000000000000000000000000';
    const emulator = await startGitHubEmulator({ token, logger, seed: chartRepoSeed() });
    try {
      await octokitFor(emulator).repos.createRelease({ ...repo, tag_name: 'app-v1.0.0' });
      await octokitFor(emulator, { auth: 'ghp_wrongtoken000000000000000000000000' })
        .repos.get(repo)
        .catch(() => undefined);
      expect(logger.lines).toContain(`POST /repos/${OWNER}/${REPO}/releases -> 201 (repos/create-release)`);
      expect(logger.lines.join('\n')).not.toContain(token);
      expect(JSON.stringify(emulator.requests)).not.toContain(token);
    } finally {
      await emulator.stop();
    }
  });
});
