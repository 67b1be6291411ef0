import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../src/index.ts';
import { octokitFor, OWNER, REPO } from './fixtures.ts';

const repo = { owner: OWNER, repo: REPO };
const HELM = resolve(import.meta.dirname, '../../../.cache/tools/helm-v4.1.4/helm');
let emulator: GitHubEmulator;

beforeAll(async () => {
  emulator = await startGitHubEmulator({
    seed: {
      repos: [
        {
          owner: OWNER,
          name: REPO,
          commits: [
            {
              message: 'Add chart',
              files: { 'charts/app/Chart.yaml': 'name: app\n' },
            },
          ],
        },
      ],
    },
  });
});
afterAll(async () => {
  await emulator?.stop();
  expect(emulator.schemaViolations).toEqual([]);
});

/** Writes `files` on top of `parent` through blobs, a tree on base_tree and a commit, as a client without a checkout does. */
async function commitFiles(files: Record<string, string>, parent?: { sha: string; tree: string }, message = 'Update index') {
  const octokit = octokitFor(emulator);
  const entries = [];
  for (const [path, text] of Object.entries(files)) {
    const { data: blob, status } = await octokit.git.createBlob({
      ...repo,
      content: Buffer.from(text).toString('base64'),
      encoding: 'base64',
    });
    expect(status).toBe(201);
    entries.push({
      path,
      mode: '100644' as const,
      type: 'blob' as const,
      sha: blob.sha,
    });
  }
  const { data: tree } = await octokit.git.createTree({
    ...repo,
    tree: entries,
    ...(parent ? { base_tree: parent.tree } : {}),
  });
  const { data: commit } = await octokit.git.createCommit({
    ...repo,
    message,
    tree: tree.sha,
    parents: parent ? [parent.sha] : [],
  });
  return { sha: commit.sha, tree: tree.sha, commit };
}

describe('the Git Data API', () => {
  it('writes blobs, trees on a base tree and commits GitHub signs for the token, with git-compatible shas', async () => {
    const octokit = octokitFor(emulator);
    const { data: blob } = await octokit.git.createBlob({
      ...repo,
      content: 'hello\n',
      encoding: 'utf-8',
    });
    expect(blob.sha).toBe('ce013625030ba8dba906f756967f9e9ca394464a');
    const { data: read } = await octokit.git.getBlob({
      ...repo,
      file_sha: blob.sha,
    });
    expect(Buffer.from(read.content, 'base64').toString()).toBe('hello\n');

    const { data: main } = await octokit.git.getRef({
      ...repo,
      ref: 'heads/main',
    });
    const { data: head } = await octokit.git.getCommit({
      ...repo,
      commit_sha: main.object.sha,
    });
    const next = await commitFiles({ 'README.md': 'hello\n' }, { sha: head.sha, tree: head.tree.sha }, 'Add README');
    const { data: tree } = await octokit.git.getTree({
      ...repo,
      tree_sha: next.tree,
      recursive: 'true',
    });
    expect(tree.tree.map((e) => e.path)).toEqual(['README.md', 'charts', 'charts/app', 'charts/app/Chart.yaml']);
    expect(next.commit.verification).toMatchObject({
      verified: true,
      reason: 'valid',
      signature: expect.stringContaining('BEGIN PGP SIGNATURE'),
      payload: expect.stringContaining(`tree ${next.tree}\nparent ${head.sha}\n`),
    });
    expect(next.commit.committer).toMatchObject({
      name: 'GitHub',
      email: 'noreply@github.com',
    });
    expect(next.commit.author.name).toBe('github-actions[bot]');

    const custom = await octokit.git.createCommit({
      ...repo,
      message: 'custom',
      tree: next.tree,
      parents: [next.sha],
      author: { name: 'A', email: 'a@example.com' },
    });
    expect(custom.data.verification).toMatchObject({
      verified: false,
      reason: 'unsigned',
    });
    const bad = await octokit.git
      .createCommit({
        ...repo,
        message: 'x',
        tree: '0'.repeat(40),
        parents: [],
      })
      .catch((e: unknown) => e);
    expect(bad).toMatchObject({ status: 422 });
  });

  it('moves a ref only by fast-forward unless forced, and lists all refs', async () => {
    const octokit = octokitFor(emulator);
    const orphan = await commitFiles({ 'index.yaml': 'apiVersion: v1\nentries: {}\n' }, undefined, 'Create gh-pages');
    const { status } = await octokit.git.createRef({
      ...repo,
      ref: 'refs/heads/gh-pages',
      sha: orphan.sha,
    });
    expect(status).toBe(201);
    const ahead = await commitFiles({ 'index.yaml': 'apiVersion: v1\nentries: {a: []}\n' }, orphan);
    const rival = await commitFiles({ 'index.yaml': 'apiVersion: v1\nentries: {b: []}\n' }, orphan);
    expect(
      (
        await octokit.git.updateRef({
          ...repo,
          ref: 'heads/gh-pages',
          sha: ahead.sha,
        })
      ).data.object.sha,
    ).toBe(ahead.sha);

    const refused = await octokit.git.updateRef({ ...repo, ref: 'heads/gh-pages', sha: rival.sha }).catch((e: unknown) => e);
    expect(refused).toMatchObject({
      status: 422,
      response: {
        data: { message: 'Update is not a fast forward', status: '422' },
      },
    });
    expect((await octokit.git.getRef({ ...repo, ref: 'heads/gh-pages' })).data.object.sha).toBe(ahead.sha);
    expect(
      (
        await octokit.git.updateRef({
          ...repo,
          ref: 'heads/gh-pages',
          sha: rival.sha,
          force: true,
        })
      ).data.object.sha,
    ).toBe(rival.sha);

    const all = await octokit.request('GET /repos/{owner}/{repo}/git/refs', repo);
    expect((all.data as { ref: string }[]).map((r) => r.ref)).toEqual(['refs/heads/gh-pages', 'refs/heads/main']);
    const heads = await octokit.request('GET /repos/{owner}/{repo}/git/refs/heads', repo);
    expect((heads.data as unknown[]).length).toBe(2);
    const exact = await octokit.request('GET /repos/{owner}/{repo}/git/refs/heads/gh-pages', repo);
    expect(exact.data).toMatchObject({
      ref: 'refs/heads/gh-pages',
      object: { sha: rival.sha },
    });
    expect(await octokit.request('GET /repos/{owner}/{repo}/git/refs/tags', repo).catch((e: unknown) => e)).toMatchObject({ status: 404 });
    expect((await octokit.git.listMatchingRefs({ ...repo, ref: 'tags' })).data).toEqual([]);
  });
});

describe('the contents API', () => {
  it('creates, reads, updates (sha required and checked) and deletes a file in signed commits', async () => {
    const octokit = octokitFor(emulator);
    const path = 'docs/notes.md';
    const put = await octokit.repos.createOrUpdateFileContents({
      ...repo,
      path,
      message: 'Add notes',
      content: Buffer.from('one').toString('base64'),
    });
    expect(put.status).toBe(201);
    expect(put.data.commit.verification?.verified).toBe(true);
    const { data: file } = await octokit.repos.getContent({ ...repo, path });
    expect(file).toMatchObject({
      type: 'file',
      path,
      encoding: 'base64',
      size: 3,
    });
    expect(Buffer.from((file as { content: string }).content, 'base64').toString()).toBe('one');
    const { data: dir } = await octokit.repos.getContent({
      ...repo,
      path: 'docs',
    });
    expect((dir as { name: string }[]).map((e) => e.name)).toEqual(['notes.md']);

    const missingSha = await octokit.repos
      .createOrUpdateFileContents({
        ...repo,
        path,
        message: 'x',
        content: 'dHdv',
      })
      .catch((e: unknown) => e);
    expect(missingSha).toMatchObject({ status: 422 });
    const staleSha = await octokit.repos
      .createOrUpdateFileContents({
        ...repo,
        path,
        message: 'x',
        content: 'dHdv',
        sha: '0'.repeat(40),
      })
      .catch((e: unknown) => e);
    expect(staleSha).toMatchObject({ status: 409 });
    const updated = await octokit.repos.createOrUpdateFileContents({
      ...repo,
      path,
      message: 'Edit notes',
      content: 'dHdv',
      sha: put.data.content!.sha!,
    });
    expect(updated.status).toBe(200);
    const deleted = await octokit.repos.deleteFile({
      ...repo,
      path,
      message: 'Remove notes',
      sha: updated.data.content!.sha!,
    });
    expect(deleted.data.content).toBeNull();
    expect(await octokit.repos.getContent({ ...repo, path }).catch((e: unknown) => e)).toMatchObject({ status: 404 });
  });
});

describe('GitHub Pages', () => {
  it('serves the gh-pages branch at the repository site, with ETag and 304, and helm repo add reads it', async () => {
    const octokit = octokitFor(emulator);
    const { data: pages } = await octokit.git.getRef({
      ...repo,
      ref: 'heads/gh-pages',
    });
    const { data: head } = await octokit.git.getCommit({
      ...repo,
      commit_sha: pages.object.sha,
    });
    const index = 'apiVersion: v1\nentries: {}\ngenerated: "2026-01-01T00:00:00Z"\n';
    const next = await commitFiles({ 'index.yaml': index }, { sha: head.sha, tree: head.tree.sha });
    await octokit.git.updateRef({
      ...repo,
      ref: 'heads/gh-pages',
      sha: next.sha,
    });

    const site = emulator.pagesSiteUrl(OWNER, REPO);
    expect(new URL(site).origin).toBe(emulator.pagesUrl);
    const response = await fetch(`${site}index.yaml`);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(index);
    const etag = response.headers.get('etag')!;
    expect((await fetch(`${site}index.yaml`, { headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await fetch(`${site}missing.yaml`)).status).toBe(404);

    if (!existsSync(HELM)) return;
    const home = await mkdtemp(join(tmpdir(), 'pages-helm-'));
    try {
      const env = {
        ...process.env,
        HELM_CONFIG_HOME: join(home, 'config'),
        HELM_CACHE_HOME: join(home, 'cache'),
        HELM_DATA_HOME: join(home, 'data'),
      };
      const { stdout } = await promisify(execFile)(HELM, ['repo', 'add', 'emulated', site], { env });
      expect(stdout).toContain('"emulated" has been added');
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
