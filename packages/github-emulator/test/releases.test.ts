import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../src/index.ts';
import { chartRepoSeed, octokitFor, OWNER, REPO, uploadParams } from './fixtures.ts';

const repo = { owner: OWNER, repo: REPO };
let emulator: GitHubEmulator;

beforeAll(async () => {
  emulator = await startGitHubEmulator({ seed: chartRepoSeed() });
});
afterAll(async () => {
  await emulator?.stop();
  expect(emulator.schemaViolations).toEqual([]);
});

describe('releases', () => {
  it('creates a published release, makes its tag at the target and finds it by id, by tag and as latest', async () => {
    const octokit = octokitFor(emulator);
    const { data: created, status, headers } = await octokit.repos.createRelease({ ...repo, tag_name: 'app-v1.0.0', name: 'app 1.0.0', body: 'First.' });
    expect(status).toBe(201);
    expect(headers.location).toBe(created.url);
    expect(created).toMatchObject({ tag_name: 'app-v1.0.0', draft: false, prerelease: false, author: { login: 'github-actions[bot]', type: 'Bot' } });
    expect(created.upload_url).toBe(`${emulator.uploadsUrl}/repos/${OWNER}/${REPO}/releases/${created.id}/assets{?name,label}`);
    expect(new URL(emulator.uploadsUrl).origin).not.toBe(new URL(emulator.url).origin);

    const { data: ref } = await octokit.git.getRef({ ...repo, ref: 'tags/app-v1.0.0' });
    const head = emulator.state.repos[0]!.commits.at(-1)!.sha;
    expect(ref.object.sha).toBe(head);

    expect((await octokit.repos.getRelease({ ...repo, release_id: created.id })).data.id).toBe(created.id);
    expect((await octokit.repos.getReleaseByTag({ ...repo, tag: 'app-v1.0.0' })).data.id).toBe(created.id);
    expect((await octokit.repos.getLatestRelease(repo)).data.id).toBe(created.id);
  });

  it('refuses a second release for a published tag with already_exists on tag_name', async () => {
    const octokit = octokitFor(emulator);
    const error = await octokit.repos.createRelease({ ...repo, tag_name: 'app-v1.0.0' }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 422,
      response: { data: { message: 'Validation Failed', errors: [{ resource: 'Release', code: 'already_exists', field: 'tag_name' }] } },
    });
  });

  it('refuses a tag name git would refuse with invalid on tag_name', async () => {
    const error = await octokitFor(emulator)
      .repos.createRelease({ ...repo, tag_name: 'my chart-v1.0.0' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 422, response: { data: { errors: [{ resource: 'Release', code: 'invalid', field: 'tag_name' }] } } });
  });

  it('keeps drafts out of anonymous reads and out of by-tag lookups, and publishes them on update', async () => {
    const octokit = octokitFor(emulator);
    const anonymous = octokitFor(emulator, { auth: null });
    const { data: draft } = await octokit.repos.createRelease({ ...repo, tag_name: 'lib-v0.1.0', draft: true });
    expect(draft.draft).toBe(true);
    expect(draft.published_at).toBeNull();
    await expect(octokit.git.getRef({ ...repo, ref: 'tags/lib-v0.1.0' })).rejects.toMatchObject({ status: 404 });

    const listed = await octokit.paginate(octokit.repos.listReleases, repo);
    expect(listed.map((r) => r.id)).toContain(draft.id);
    const anonymousList = await anonymous.paginate(anonymous.repos.listReleases, repo);
    expect(anonymousList.map((r) => r.id)).not.toContain(draft.id);
    await expect(anonymous.repos.getRelease({ ...repo, release_id: draft.id })).rejects.toMatchObject({ status: 404 });
    await expect(octokit.repos.getReleaseByTag({ ...repo, tag: 'lib-v0.1.0' })).rejects.toMatchObject({ status: 404 });

    const { data: published } = await octokit.repos.updateRelease({ ...repo, release_id: draft.id, draft: false });
    expect(published.draft).toBe(false);
    expect(published.published_at).not.toBeNull();
    expect((await octokit.repos.getReleaseByTag({ ...repo, tag: 'lib-v0.1.0' })).data.id).toBe(draft.id);
    expect((await anonymous.repos.getRelease({ ...repo, release_id: draft.id })).data.id).toBe(draft.id);
    // published without make_latest: true by default, so it is the latest now
    expect((await octokit.repos.getLatestRelease(repo)).data.id).toBe(draft.id);
  });

  it('honours make_latest: false on publish and make_latest: true on update; prereleases are never latest', async () => {
    const octokit = octokitFor(emulator);
    const before = (await octokit.repos.getLatestRelease(repo)).data.id;
    const { data: quiet } = await octokit.repos.createRelease({ ...repo, tag_name: 'app-v0.9.1', make_latest: 'false' });
    expect((await octokit.repos.getLatestRelease(repo)).data.id).toBe(before);
    const { data: pre } = await octokit.repos.createRelease({ ...repo, tag_name: 'app-v2.0.0-rc.1', prerelease: true });
    expect((await octokit.repos.getLatestRelease(repo)).data.id).toBe(before);
    await octokit.repos.updateRelease({ ...repo, release_id: quiet.id, make_latest: 'true' });
    expect((await octokit.repos.getLatestRelease(repo)).data.id).toBe(quiet.id);
    expect(pre.prerelease).toBe(true);
  });

  it('paginates the release list with Link headers', async () => {
    const octokit = octokitFor(emulator);
    for (let i = 0; i < 5; i++) await octokit.repos.createRelease({ ...repo, tag_name: `page-v${i}.0.0`, draft: true });
    const first = await octokit.repos.listReleases({ ...repo, per_page: 2 });
    expect(first.data).toHaveLength(2);
    expect(first.headers.link).toContain('rel="next"');
    const all = await octokit.paginate(octokit.repos.listReleases, { ...repo, per_page: 2 });
    expect(all.length).toBe(emulator.state.repos[0]!.releases.length);
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    // newest first
    expect(all[0]!.tag_name).toBe('page-v4.0.0');
  });

  it('deletes a release and keeps its tag, as GitHub does', async () => {
    const octokit = octokitFor(emulator);
    const { data } = await octokit.repos.createRelease({ ...repo, tag_name: 'gone-v1.0.0' });
    expect((await octokit.repos.deleteRelease({ ...repo, release_id: data.id })).status).toBe(204);
    await expect(octokit.repos.getRelease({ ...repo, release_id: data.id })).rejects.toMatchObject({ status: 404 });
    expect((await octokit.git.getRef({ ...repo, ref: 'tags/gone-v1.0.0' })).status).toBe(200);
  });
});

describe('release assets', () => {
  it('uploads through upload_url with name, label and content type, lists, downloads, refuses duplicates and deletes', async () => {
    const octokit = octokitFor(emulator);
    const { data: release } = await octokit.repos.createRelease({ ...repo, tag_name: 'assets-v1.0.0', draft: true });
    const bytes = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00, 0x42]);
    const { data: asset, status } = await octokit.repos.uploadReleaseAsset({
      ...uploadParams(release),
      name: 'assets-1.0.0.tgz',
      label: 'Helm chart',
      data: bytes as unknown as string,
      headers: { 'content-type': 'application/gzip' },
    });
    expect(status).toBe(201);
    expect(asset).toMatchObject({ name: 'assets-1.0.0.tgz', label: 'Helm chart', content_type: 'application/gzip', size: bytes.length, state: 'uploaded' });
    expect(asset.digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const duplicate = await octokit.repos.uploadReleaseAsset({ ...uploadParams(release), name: 'assets-1.0.0.tgz', data: 'other' }).catch((e: unknown) => e);
    expect(duplicate).toMatchObject({ status: 422, response: { data: { errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }] } } });

    const { data: listed } = await octokit.repos.listReleaseAssets({ ...repo, release_id: release.id });
    expect(listed.map((a) => a.name)).toEqual(['assets-1.0.0.tgz']);
    expect(listed[0]!.uploader?.login).toBe('github-actions[bot]');

    const download = await octokit.repos.getReleaseAsset({ ...repo, asset_id: asset.id, headers: { accept: 'application/octet-stream' } });
    expect(Buffer.from(download.data as unknown as ArrayBuffer)).toEqual(bytes);
    const raw = await fetch(`${emulator.url}/repos/${OWNER}/${REPO}/releases/assets/${asset.id}`, {
      headers: { accept: 'application/octet-stream', authorization: `token ${emulator.token}` },
      redirect: 'manual',
    });
    expect(raw.status).toBe(302);
    const location = new URL(raw.headers.get('location')!);
    expect(location.origin).toBe(emulator.storageUrl);
    expect(location.searchParams.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/);

    const json = await octokit.repos.getReleaseAsset({ ...repo, asset_id: asset.id });
    expect(json.data.download_count).toBe(1);
    const { data: renamed } = await octokit.repos.updateReleaseAsset({ ...repo, asset_id: asset.id, name: 'assets-1.0.0-chart.tgz', label: 'Chart archive' });
    expect(renamed).toMatchObject({ name: 'assets-1.0.0-chart.tgz', label: 'Chart archive' });

    expect((await octokit.repos.deleteReleaseAsset({ ...repo, asset_id: asset.id })).status).toBe(204);
    expect((await octokit.repos.listReleaseAssets({ ...repo, release_id: release.id })).data).toEqual([]);
  });

  it('renames asset names with spaces as GitHub does, and serves browser_download_url', async () => {
    const octokit = octokitFor(emulator);
    const { data: release } = await octokit.repos.createRelease({ ...repo, tag_name: 'names-v1.0.0' });
    const { data: asset } = await octokit.repos.uploadReleaseAsset({
      ...uploadParams(release),
      name: 'release notes.md',
      data: '# Notes',
      headers: { 'content-type': 'text/markdown' },
    });
    expect(asset.name).toBe('release.notes.md');
    const response = await fetch(asset.browser_download_url);
    expect(await response.text()).toBe('# Notes');
  });

  it('stores a JSON asset as bytes, whatever its content type', async () => {
    const octokit = octokitFor(emulator);
    const { data: release } = await octokit.repos.createRelease({ ...repo, tag_name: 'json-v1.0.0', draft: true });
    const lineage = JSON.stringify({ chart: 'app', pullRequest: 7 });
    const { data: asset } = await octokit.repos.uploadReleaseAsset({
      ...uploadParams(release),
      name: 'app-attestation-lineage.json',
      data: lineage,
      headers: { 'content-type': 'application/json' },
    });
    expect(asset).toMatchObject({ content_type: 'application/json', size: Buffer.byteLength(lineage) });
    const download = await octokit.repos.getReleaseAsset({ ...repo, asset_id: asset.id, headers: { accept: 'application/octet-stream' } });
    expect(Buffer.from(download.data as unknown as ArrayBuffer).toString()).toBe(lineage);
  });
});
