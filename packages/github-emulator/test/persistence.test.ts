import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type EmulatorState, type RecordedRequest } from '../src/index.ts';
import { chartRepoSeed, octokitFor, OWNER, REPO, uploadParams } from './fixtures.ts';

const repo = { owner: OWNER, repo: REPO };
const dir = mkdtempSync(join(tmpdir(), 'github-emulator-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('persistence', () => {
  it('writes the state with asset bytes to statePath and resumes from it', async () => {
    const statePath = join(dir, 'github.json');
    const first = await startGitHubEmulator({ statePath, seed: chartRepoSeed(), token: 'ghp_persistencetoken0000000000000000000' });
    const octokit = octokitFor(first);
    const { data: release } = await octokit.repos.createRelease({ ...repo, tag_name: 'app-v1.0.0', draft: true });
    await octokit.repos.uploadReleaseAsset({
      ...uploadParams(release),
      name: 'app-1.0.0.tgz',
      data: 'chart bytes',
      headers: { 'content-type': 'application/gzip' },
    });
    await first.stop();
    await first.stop(); // a second stop is harmless

    const saved = JSON.parse(readFileSync(statePath, 'utf8')) as { format: string; state: EmulatorState; requests: RecordedRequest[] };
    expect(saved.format).toBe('github-emulator-state');
    const asset = saved.state.repos[0]!.releases[0]!.assets[0]!;
    expect(Buffer.from(asset.data, 'base64').toString()).toBe('chart bytes');
    expect(saved.requests.map((r) => r.operationId)).toEqual(['repos/create-release', 'repos/upload-release-asset']);
    expect(readFileSync(statePath, 'utf8')).not.toContain('ghp_persistencetoken');

    // resumed: no seed needed, the draft and its asset are there, request ids continue
    const second = await startGitHubEmulator({ statePath, token: 'ghp_persistencetoken0000000000000000000' });
    try {
      const again = octokitFor(second);
      const { data: releases } = await again.repos.listReleases(repo);
      expect(releases.map((r) => [r.tag_name, r.draft, r.assets.map((a) => a.name)])).toEqual([['app-v1.0.0', true, ['app-1.0.0.tgz']]]);
      const download = await again.repos.getReleaseAsset({ ...repo, asset_id: asset.id, headers: { accept: 'application/octet-stream' } });
      expect(Buffer.from(download.data as unknown as ArrayBuffer).toString()).toBe('chart bytes');
      const { data: next } = await again.repos.createRelease({ ...repo, tag_name: 'app-v1.0.1' });
      expect(next.id).toBeGreaterThan(release.id);
      expect(second.requests.at(-1)!.id).toBeGreaterThan(saved.requests.at(-1)!.id);
    } finally {
      await second.stop();
    }
  });

  it('refuses a state file it did not write, naming the file', async () => {
    const statePath = join(dir, 'not-state.json');
    writeFileSync(statePath, '{"hello": "world"}');
    await expect(startGitHubEmulator({ statePath })).rejects.toMatchObject({ code: 'EMULATOR_STATE_UNREADABLE', file: statePath });
  });
});

describe('control endpoints', () => {
  it('serve the request log and the state, and seed, inject faults and reset over HTTP', async () => {
    const github = await startGitHubEmulator({ seed: chartRepoSeed() });
    try {
      const control = (path: string, body?: unknown) =>
        fetch(`${github.url}/_emulator/${path}`, body === undefined ? {} : { method: 'POST', body: JSON.stringify(body) }).then((r) => r.json());
      await octokitFor(github).repos.get(repo);
      expect(((await control('requests')) as RecordedRequest[]).map((r) => [r.method, r.path, r.status])).toEqual([['GET', `/repos/${OWNER}/${REPO}`, 200]]);

      await control('seed', { repos: [{ owner: OWNER, name: 'library' }] });
      const state = (await control('state')) as EmulatorState;
      expect(state.repos.map((r) => r.name)).toEqual([REPO, 'library']);
      expect((await octokitFor(github).repos.get({ owner: OWNER, repo: 'library' })).status).toBe(200);

      await control('faults', { failNext: 1 });
      await expect(octokitFor(github).repos.get(repo)).rejects.toMatchObject({ status: 502 });

      await control('reset', {});
      expect(github.requests).toEqual([]);
      expect(github.state.repos.map((r) => r.name)).toEqual([REPO]);
      await expect(octokitFor(github).repos.get({ owner: OWNER, repo: 'library' })).rejects.toMatchObject({ status: 404 });
    } finally {
      await github.stop();
    }
  });
});
