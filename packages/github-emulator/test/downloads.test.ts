import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../src/index.ts';
import { octokitFor, OWNER } from './fixtures.ts';

let emulator: GitHubEmulator;

beforeAll(async () => {
  emulator = await startGitHubEmulator({
    readOnlyTokens: ['ghs_readonly'],
    seed: {
      repos: [
        {
          owner: OWNER,
          name: 'public',
          releases: [
            {
              tag_name: 'app-1.0.0',
              assets: [{ name: 'app-1.0.0.tgz', content: 'published' }],
            },
            {
              tag_name: 'app-2.0.0',
              draft: true,
              assets: [{ name: 'app-2.0.0.tgz', content: 'draft' }],
            },
          ],
        },
        {
          owner: OWNER,
          name: 'secret',
          private: true,
          releases: [
            {
              tag_name: 'app-1.0.0',
              assets: [{ name: 'app-1.0.0.tgz', content: 'private' }],
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

async function assetsOf(name: string) {
  const { data } = await octokitFor(emulator).repos.listReleases({
    owner: OWNER,
    repo: name,
  });
  return Object.fromEntries(data.map((r) => [r.tag_name, r.assets[0]!]));
}

const auth = (token: string) => ({ authorization: `token ${token}` });

describe('release asset downloads', () => {
  it('serve browser_download_url from the web origin through a redirect to storage on another origin', async () => {
    const asset = (await assetsOf('public'))['app-1.0.0']!;
    const url = new URL(asset.browser_download_url);
    expect(url.origin).toBe(emulator.webUrl);
    expect(url.pathname).toBe(`/${OWNER}/public/releases/download/app-1.0.0/app-1.0.0.tgz`);
    const redirect = await fetch(url, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(new URL(redirect.headers.get('location')!).origin).toBe(emulator.storageUrl);
    expect(await (await fetch(url)).text()).toBe('published');
  });

  it('hide drafts and private repositories from callers without the token (404)', async () => {
    const draft = (await assetsOf('public'))['app-2.0.0']!;
    const secret = (await assetsOf('secret'))['app-1.0.0']!;
    for (const asset of [draft, secret]) {
      expect((await fetch(asset.browser_download_url)).status).toBe(404);
      expect(
        (
          await fetch(asset.browser_download_url, {
            headers: auth('ghp_wrong'),
          })
        ).status,
      ).toBe(404);
    }
    expect(
      (
        await fetch(draft.browser_download_url, {
          headers: auth('ghs_readonly'),
        })
      ).status,
    ).toBe(404);
    expect(
      await (
        await fetch(secret.browser_download_url, {
          headers: auth('ghs_readonly'),
        })
      ).text(),
    ).toBe('private');
    // fetch drops Authorization on the cross-origin redirect, as a client must
    expect(
      await (
        await fetch(draft.browser_download_url, {
          headers: auth(emulator.token),
        })
      ).text(),
    ).toBe('draft');
  });

  it('refuse a storage request that carries the GitHub token, as S3 behind GitHub does', async () => {
    const asset = (await assetsOf('secret'))['app-1.0.0']!;
    const api = await fetch(asset.url, {
      headers: { ...auth(emulator.token), accept: 'application/octet-stream' },
      redirect: 'manual',
    });
    expect(api.status).toBe(302);
    const storage = api.headers.get('location')!;
    const forwarded = await fetch(storage, { headers: auth(emulator.token) });
    expect(forwarded.status).toBe(400);
    expect(await forwarded.text()).toContain('Only one auth mechanism allowed');
    expect((await fetch(storage.replace(/X-Amz-Signature=[0-9a-f]+/, `X-Amz-Signature=${'0'.repeat(64)}`))).status).toBe(403);
    expect(await (await fetch(storage)).text()).toBe('private');
    const download = await octokitFor(emulator).repos.getReleaseAsset({
      owner: OWNER,
      repo: 'secret',
      asset_id: asset.id,
      headers: { accept: 'application/octet-stream' },
    });
    expect(Buffer.from(download.data as unknown as ArrayBuffer).toString()).toBe('private');
  });
});

describe('release asset uploads', () => {
  it('are served on the uploads origin only: the API origin answers 404, as api.github.com does', async () => {
    const octokit = octokitFor(emulator);
    const { data: release } = await octokit.repos.createRelease({
      owner: OWNER,
      repo: 'public',
      tag_name: 'web-1.0.0',
      draft: true,
    });
    expect(release.upload_url.startsWith(`${emulator.uploadsUrl}/`)).toBe(true);
    const onApi = await fetch(`${emulator.url}/repos/${OWNER}/public/releases/${release.id}/assets?name=x.txt`, {
      method: 'POST',
      headers: { ...auth(emulator.token), 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(onApi.status).toBe(404);
    const uploaded = await octokit.request({
      method: 'POST',
      url: release.upload_url,
      name: 'x.txt',
      data: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(uploaded.status).toBe(201);
    const otherOnUploads = await fetch(`${emulator.uploadsUrl}/repos/${OWNER}/public/releases`, { headers: auth(emulator.token) });
    expect(otherOnUploads.status).toBe(404);
  });

  it('name the request in an error body, as the uploads host does (a second asset of the same name: 422 already_exists)', async () => {
    const octokit = octokitFor(emulator);
    const { data: release } = await octokit.repos.createRelease({ owner: OWNER, repo: 'public', tag_name: 'web-1.1.0', draft: true });
    const upload = () =>
      fetch(`${emulator.uploadsUrl}/repos/${OWNER}/public/releases/${release.id}/assets?name=twice.txt`, {
        method: 'POST',
        headers: { ...auth(emulator.token), 'content-type': 'text/plain' },
        body: 'x',
      });
    expect((await upload()).status).toBe(201);
    const again = await upload();
    expect(again.status).toBe(422);
    const body = (await again.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      message: 'Validation Failed',
      request_id: again.headers.get('x-github-request-id'),
      errors: [{ resource: 'ReleaseAsset', code: 'already_exists', field: 'name' }],
    });
    expect(Object.keys(body).slice(0, 2)).toEqual(['message', 'request_id']);
  });
});
