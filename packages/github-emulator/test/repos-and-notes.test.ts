import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../src/index.ts';
import { chartRepoSeed, MERGE_SHA, octokitFor, OWNER, REPO } from './fixtures.ts';

const repo = { owner: OWNER, repo: REPO };
let emulator: GitHubEmulator;

beforeAll(async () => {
  const seed = chartRepoSeed();
  seed.users = [{ login: 'acme-org', type: 'Organization' }];
  emulator = await startGitHubEmulator({ seed });
});
afterAll(async () => {
  await emulator?.stop();
  expect(emulator.schemaViolations).toEqual([]);
});

describe('repository creation', () => {
  it('creates a repository for the token, empty or with a README commit (auto_init), and refuses a taken name', async () => {
    const octokit = octokitFor(emulator);
    // a workflow's token is a bot's: it cannot create a repository of its own
    await expect(octokit.repos.createForAuthenticatedUser({ name: 'mine' })).rejects.toMatchObject({ status: 403 });
    const personal = await startGitHubEmulator({ login: 'alice' });
    try {
      const user = octokitFor(personal);
      const { data: empty, status, headers } = await user.repos.createForAuthenticatedUser({ name: 'empty', private: true });
      expect(status).toBe(201);
      expect(headers.location).toBe(empty.url);
      expect(empty).toMatchObject({ name: 'empty', private: true, owner: { login: 'alice' } });
      await expect(user.git.listMatchingRefs({ owner: 'alice', repo: 'empty', ref: 'heads' })).rejects.toMatchObject({ status: 409 });
      // the first file written through the contents API creates the default branch
      expect((await user.repos.createOrUpdateFileContents({ owner: 'alice', repo: 'empty', path: 'a.txt', message: 'Add a', content: 'YQ==' })).status).toBe(
        201,
      );
      expect((await user.git.getRef({ owner: 'alice', repo: 'empty', ref: 'heads/main' })).status).toBe(200);
    } finally {
      await personal.stop();
    }

    const { data: org } = await octokit.repos.createInOrg({ org: 'acme-org', name: 'charts', auto_init: true });
    expect(org.full_name).toBe('acme-org/charts');
    const { data: readme } = await octokit.repos.getContent({ owner: 'acme-org', repo: 'charts', path: 'README.md' });
    expect(Buffer.from((readme as { content: string }).content, 'base64').toString()).toBe('# charts\n');
    const taken = await octokit.repos.createInOrg({ org: 'acme-org', name: 'charts' }).catch((e: unknown) => e);
    expect(taken).toMatchObject({ status: 422, response: { data: { errors: [{ resource: 'Repository', field: 'name' }] } } });
    await expect(octokit.repos.createInOrg({ org: 'nobody', name: 'x' })).rejects.toMatchObject({ status: 404 });
  });
});

describe('generated release notes', () => {
  it('lists the pull requests merged since the previous release, as generate-notes and generate_release_notes do', async () => {
    const octokit = octokitFor(emulator);
    const { data: notes } = await octokit.repos.generateReleaseNotes({ ...repo, tag_name: 'app-v1.1.0', target_commitish: MERGE_SHA });
    expect(notes.name).toBe('app-v1.1.0');
    expect(notes.body).toBe(
      `## What's Changed\n* Bump app to 1.1.0 by @alice in ${emulator.webUrl}/${OWNER}/${REPO}/pull/7\n\n**Full Changelog**: ${emulator.webUrl}/${OWNER}/${REPO}/commits/app-v1.1.0`,
    );
    const { data: release } = await octokit.repos.createRelease({ ...repo, tag_name: 'app-v1.1.0', body: 'Highlights.', generate_release_notes: true });
    expect(release.name).toBe('app-v1.1.0');
    expect(release.body).toBe(`Highlights.\n\n${notes.body}`);
    const { data: next } = await octokit.repos.generateReleaseNotes({ ...repo, tag_name: 'app-v1.2.0' });
    expect(next.body).toBe(`**Full Changelog**: ${emulator.webUrl}/${OWNER}/${REPO}/compare/app-v1.1.0...app-v1.2.0`);
  });
});
