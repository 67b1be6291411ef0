import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GitHubEmulator } from '@chart-release/github-emulator';
import { planReleaseAssets, renderReleaseNotes, releaseTag, type AssembleReleaseInput, type ReleasePublisher } from '../src/index.ts';
import { chartFiles, OWNER, plannedAssets, publisherFor, RELEASE_SHA, REPO, requestsSince, startEmulator } from './fixtures.ts';

let emulator: GitHubEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.stop();
});
beforeEach(() => emulator.reset());

const repo = { owner: OWNER, repo: REPO };
const ALL: ('package' | 'signature' | 'bundle' | 'lineage' | 'changelog' | 'readme' | 'license')[] = [
  'package',
  'signature',
  'bundle',
  'lineage',
  'changelog',
  'readme',
  'license',
];

async function input(
  publisher: ReleasePublisher,
  chart: string,
  version: string,
  files: Awaited<ReturnType<typeof chartFiles>>,
): Promise<AssembleReleaseInput> {
  const notes = renderReleaseNotes({
    chart: { name: chart, version },
    registry: 'oci://ghcr.io/acme/charts',
    digest: `sha256:${'d'.repeat(64)}`,
    repository: `${OWNER}/${REPO}`,
    changelog: { version, body: `- ${chart} ${version}.` },
    signing: { mode: 'keyless' },
  });
  return {
    existing: await publisher.listExistingReleases(`${OWNER}/${REPO}`),
    chart,
    version,
    tag: releaseTag(undefined, { name: chart, version }),
    targetCommitish: RELEASE_SHA,
    notes,
    assets: await plannedAssets(chart, files, ALL),
  };
}

describe('assembling a chart release on GitHub', () => {
  it('creates a draft with every asset, the right content types, and the notes', async () => {
    const { publisher, octokit } = publisherFor(emulator);
    const files = await chartFiles('web-app', '1.2.0');
    const result = await publisher.assembleRelease(await input(publisher, 'web-app', '1.2.0', files));
    expect(result).toMatchObject({ status: 'created', draft: true, tag: 'web-app-v1.2.0', prerelease: false });
    const { data } = await octokit.rest.repos.getRelease({ ...repo, release_id: result.releaseId! });
    expect(data).toMatchObject({ draft: true, name: 'web-app: v1.2.0', tag_name: 'web-app-v1.2.0', target_commitish: RELEASE_SHA, prerelease: false });
    expect(data.body).toContain('helm install web-app oci://ghcr.io/acme/charts/web-app --version 1.2.0');
    expect(data.body).toContain(`cosign verify ghcr.io/acme/charts/web-app@sha256:${'d'.repeat(64)}`);
    expect(Object.fromEntries(data.assets.map((a) => [a.name, a.content_type]))).toEqual({
      'web-app-1.2.0.tgz': 'application/gzip',
      'web-app-1.2.0.tgz.sig': 'application/octet-stream',
      'web-app-1.2.0.tgz.sigstore.json': 'application/vnd.dev.sigstore.bundle.v0.3+json',
      'web-app-attestation-lineage.json': 'application/json',
      'CHANGELOG.md': 'text/markdown; charset=utf-8',
      'README.md': 'text/markdown; charset=utf-8',
      LICENSE: 'text/plain; charset=utf-8',
    });
    // the bytes GitHub holds are the file's
    const pkg = data.assets.find((a) => a.name === 'web-app-1.2.0.tgz')!;
    expect(pkg.digest).toBe(
      `sha256:${createHash('sha256')
        .update(await readFile(files.package))
        .digest('hex')}`,
    );
    expect(emulator.schemaViolations).toEqual([]);
  });

  it('works against GitHub Enterprise Server: API under /api/v3, uploads under /api/uploads', async () => {
    const enterprise = await startEmulator({ enterprise: true });
    try {
      expect(enterprise.url).toMatch(/\/api\/v3$/);
      const { publisher, octokit } = publisherFor(enterprise);
      const files = await chartFiles('web-app', '1.2.0');
      const draft = await publisher.assembleRelease(await input(publisher, 'web-app', '1.2.0', files));
      const { data } = await octokit.rest.repos.getRelease({ ...repo, release_id: draft.releaseId! });
      expect(data.upload_url).toBe(`${enterprise.url.replace(/\/v3$/, '/uploads')}/repos/${OWNER}/${REPO}/releases/${draft.releaseId}/assets{?name,label}`);
      expect(data.assets).toHaveLength(7);
      expect(data.html_url).not.toContain('/api/');
      // a re-run compares by downloading when the server reports no digest: through the /api/v3 asset URL
      await publisher.publishReleases([draft]);
      for (const asset of enterprise.state.repos.find((r) => r.name === REPO)!.releases[0]!.assets) (asset as { digest: string | null }).digest = null;
      expect(await publisher.assembleRelease(await input(publisher, 'web-app', '1.2.0', files))).toMatchObject({ status: 'exists' });
      expect(enterprise.schemaViolations).toEqual([]);
      // the API is not served at the root, as on Enterprise Server
      expect((await fetch(`${enterprise.url.replace(/\/api\/v3$/, '')}/repos/${OWNER}/${REPO}/releases`)).status).toBe(404);
    } finally {
      await enterprise.stop();
    }
  });

  it('re-running leaves an asset added to the draft by hand, and removes its own files the chart no longer has', async () => {
    const { publisher, octokit } = publisherFor(emulator);
    const files = await chartFiles('web-app', '1.2.0');
    const draft = await publisher.assembleRelease(await input(publisher, 'web-app', '1.2.0', files));
    const { data: release } = await octokit.rest.repos.getRelease({ ...repo, release_id: draft.releaseId! });
    await octokit.request({
      method: 'POST',
      url: release.upload_url,
      name: 'sbom.spdx.json',
      data: '{"spdxVersion":"SPDX-2.3"}',
      headers: { 'content-type': 'application/json' },
    });
    // the chart dropped its README since the draft was made
    const next = await input(publisher, 'web-app', '1.2.0', files);
    const again = await publisher.assembleRelease({ ...next, assets: next.assets.filter((a) => a.kind !== 'readme') });
    expect(again.assets.filter((a) => a.action !== 'kept' || a.reason)).toEqual([
      { name: 'README.md', action: 'deleted', size: expect.any(Number), reason: 'not part of this release any more' },
      { name: 'sbom.spdx.json', action: 'kept', size: 26, reason: 'not made by chart-release: left in place' },
    ]);
    const { data } = await octokit.rest.repos.getRelease({ ...repo, release_id: draft.releaseId! });
    expect(data.assets.map((a) => a.name).sort()).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'sbom.spdx.json',
      'web-app-1.2.0.tgz',
      'web-app-1.2.0.tgz.sig',
      'web-app-1.2.0.tgz.sigstore.json',
      'web-app-attestation-lineage.json',
    ]);
  });

  it('re-running finds the draft and uploads nothing: one listing and no writes', async () => {
    const first = publisherFor(emulator).publisher;
    const files = await chartFiles('web-app', '1.2.0');
    await first.assembleRelease(await input(first, 'web-app', '1.2.0', files));
    const from = emulator.requests.length;
    const { publisher } = publisherFor(emulator);
    const again = await publisher.assembleRelease(await input(publisher, 'web-app', '1.2.0', files));
    expect(again.status).toBe('unchanged');
    expect(again.assets.every((a) => a.action === 'kept')).toBe(true);
    expect(requestsSince(emulator, from)).toEqual(['GET repos/list-releases 200']);
    const { data } = await publisher.octokit.rest.repos.listReleases({ ...repo });
    expect(data).toHaveLength(1);
    expect(data[0]!.assets).toHaveLength(7);
  });

  it('replaces a changed asset in a draft and keeps the others', async () => {
    const { publisher } = publisherFor(emulator);
    const files = await chartFiles('web-app', '1.2.0');
    await publisher.assembleRelease(await input(publisher, 'web-app', '1.2.0', files));
    await writeFile(files.signature, 'a different signature');
    const from = emulator.requests.length;
    const result = await publisher.assembleRelease(await input(publisher, 'web-app', '1.2.0', files));
    expect(result.status).toBe('updated');
    expect(result.assets.filter((a) => a.action !== 'kept').map((a) => [a.name, a.action])).toEqual([['web-app-1.2.0.tgz.sig', 'replaced']]);
    expect(requestsSince(emulator, from)).toEqual([
      'GET repos/list-releases 200',
      'DELETE repos/delete-release-asset 204',
      'POST repos/upload-release-asset 201',
    ]);
    const { data } = await publisher.octokit.rest.repos.getRelease({ ...repo, release_id: result.releaseId! });
    const sig = data.assets.filter((a) => a.name === 'web-app-1.2.0.tgz.sig');
    expect(sig).toHaveLength(1);
    expect(sig[0]!.size).toBe('a different signature'.length);
  });

  it('updates the notes of a draft when they change', async () => {
    const { publisher } = publisherFor(emulator);
    const files = await chartFiles('web-app', '1.2.0');
    const first = await input(publisher, 'web-app', '1.2.0', files);
    await publisher.assembleRelease(first);
    const result = await publisher.assembleRelease({ ...(await input(publisher, 'web-app', '1.2.0', files)), notes: 'new notes' });
    expect(result.status).toBe('updated');
    const { data } = await publisher.octokit.rest.repos.getRelease({ ...repo, release_id: result.releaseId! });
    expect(data.body).toBe('new notes');
  });

  it('publishes all drafts together, as prerelease when the version is, without taking latest', async () => {
    const { publisher, octokit } = publisherFor(emulator);
    const drafts = [];
    for (const [chart, version] of [
      ['web-app', '1.2.0'],
      ['api-service', '2.0.0-rc.1'],
    ] as const) {
      drafts.push(await publisher.assembleRelease(await input(publisher, chart, version, await chartFiles(chart, version))));
    }
    expect(drafts.map((d) => d.prerelease)).toEqual([false, true]);
    const published = await publisher.publishReleases(drafts);
    expect(published.map((p) => [p.tag, p.published])).toEqual([
      ['web-app-v1.2.0', true],
      ['api-service-v2.0.0-rc.1', true],
    ]);
    const { data } = await octokit.rest.repos.listReleases({ ...repo });
    expect(data.map((r) => [r.tag_name, r.draft, r.prerelease]).sort()).toEqual([
      ['api-service-v2.0.0-rc.1', false, true],
      ['web-app-v1.2.0', false, false],
    ]);
    const tag = await octokit.rest.git.getRef({ ...repo, ref: 'tags/web-app-v1.2.0' });
    expect(tag.data.object.sha).toBe(RELEASE_SHA);
    await expect(octokit.rest.repos.getLatestRelease({ ...repo })).rejects.toMatchObject({ status: 404 });
  });

  it('leaves a published release with the same package alone, and refuses one with a different package', async () => {
    const { publisher } = publisherFor(emulator);
    const files = await chartFiles('web-app', '1.2.0');
    const draft = await publisher.assembleRelease(await input(publisher, 'web-app', '1.2.0', files));
    await publisher.publishReleases([draft]);

    const from = emulator.requests.length;
    const same = await publisher.assembleRelease(await input(publisher, 'web-app', '1.2.0', files));
    expect(same).toMatchObject({ status: 'exists', draft: false });
    expect(requestsSince(emulator, from)).toEqual(['GET repos/list-releases 200']);

    await writeFile(files.package, 'other package bytes');
    const error = await publisher.assembleRelease(await input(publisher, 'web-app', '1.2.0', files)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'RELEASE_IMMUTABLE', chart: 'web-app', file: files.package });
    expect((error as Error).message).toContain('web-app-v1.2.0 is already published with a different package');
    expect(emulator.requests.slice(from).filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('compares a published package by downloading it when GitHub reports no digest', async () => {
    const { publisher } = publisherFor(emulator);
    const files = await chartFiles('web-app', '1.2.0');
    await publisher.publishReleases([await publisher.assembleRelease(await input(publisher, 'web-app', '1.2.0', files))]);
    // an older GitHub Enterprise Server: assets without a digest (the download redirects, as GitHub's does)
    for (const asset of emulator.state.repos.find((r) => r.name === REPO)!.releases[0]!.assets) (asset as { digest: string | null }).digest = null;
    const from = emulator.requests.length;
    expect(await publisher.assembleRelease(await input(publisher, 'web-app', '1.2.0', files))).toMatchObject({ status: 'exists' });
    expect(requestsSince(emulator, from)).toEqual(['GET repos/list-releases 200', 'GET repos/get-release-asset 302']);
    const pkgBytes = await readFile(files.package);
    await writeFile(files.package, Buffer.concat([pkgBytes.subarray(1), Buffer.from('x')]));
    await expect(publisher.assembleRelease(await input(publisher, 'web-app', '1.2.0', files))).rejects.toMatchObject({ code: 'RELEASE_IMMUTABLE' });
  });

  it('keeps an asset whose upload landed although the client saw it fail', async () => {
    const { publisher, octokit } = publisherFor(emulator);
    const files = await chartFiles('web-app', '1.2.0');
    const first = await publisher.assembleRelease({
      ...(await input(publisher, 'web-app', '1.2.0', files)),
      assets: await plannedAssets('web-app', { package: files.package }),
    });
    // the run's listing was taken before the package landed on the draft a second time round
    const request = await input(publisher, 'web-app', '1.2.0', files);
    await octokit.rest.repos.deleteReleaseAsset({
      ...repo,
      asset_id: (await octokit.rest.repos.listReleaseAssets({ ...repo, release_id: first.releaseId! })).data[0]!.id,
    });
    const stale = await publisher.listExistingReleases(`${OWNER}/${REPO}`);
    await octokit.request({
      method: 'POST',
      url: (await octokit.rest.repos.getRelease({ ...repo, release_id: first.releaseId! })).data.upload_url,
      name: 'web-app-1.2.0.tgz',
      data: await readFile(files.package),
      headers: { 'content-type': 'application/gzip' },
    });
    const from = emulator.requests.length;
    const result = await publisher.assembleRelease({ ...request, existing: stale });
    expect(result.assets.find((a) => a.name === 'web-app-1.2.0.tgz')?.action).toBe('uploaded');
    expect(requestsSince(emulator, from).slice(0, 2)).toEqual(['POST repos/upload-release-asset 422', 'GET repos/list-release-assets 200']);
    const { data } = await octokit.rest.repos.listReleaseAssets({ ...repo, release_id: first.releaseId! });
    expect(data.map((a) => a.name).sort()).toEqual([
      'CHANGELOG.md',
      'LICENSE',
      'README.md',
      'web-app-1.2.0.tgz',
      'web-app-1.2.0.tgz.sig',
      'web-app-1.2.0.tgz.sigstore.json',
      'web-app-attestation-lineage.json',
    ]);
  });

  it('reports a missing required asset before anything is written', async () => {
    const files = await chartFiles('web-app', '1.2.0');
    const from = emulator.requests.length;
    const plan = await planReleaseAssets({ chart: 'web-app', files: { ...files, lineage: `${files.dir}/missing-lineage.json` }, required: ALL });
    expect(plan.errors.map((e) => [e.code, e.file])).toEqual([['ASSET_MISSING', `${files.dir}/missing-lineage.json`]]);
    expect(emulator.requests.length).toBe(from);
  });

  it('recovers from secondary rate limits, uploading each asset once', async () => {
    const { publisher, logger, octokit } = publisherFor(emulator);
    const files = await chartFiles('web-app', '1.2.0');
    const request = await input(publisher, 'web-app', '1.2.0', files);
    emulator.setFaults({ secondaryRateLimit: { next: 3, retryAfter: 1 }, routes: ['repos/upload-release-asset', 'repos/create-release'] });
    const result = await publisher.assembleRelease(request);
    expect(result.status).toBe('created');
    expect(emulator.requests.filter((r) => r.fault === 'secondary-rate-limit')).toHaveLength(3);
    expect(logger.lines.filter((l) => l.includes('secondary rate limit'))).toHaveLength(3);
    const { data } = await octokit.rest.repos.listReleases({ ...repo });
    expect(data).toHaveLength(1);
    expect(data[0]!.assets.map((a) => a.name).sort()).toEqual([...new Set(data[0]!.assets.map((a) => a.name))].sort());
    expect(data[0]!.assets).toHaveLength(7);
  });

  it('re-sends the whole file when an upload is retried after a server error', async () => {
    const { publisher, octokit } = publisherFor(emulator);
    const files = await chartFiles('web-app', '1.2.0');
    const request = await input(publisher, 'web-app', '1.2.0', files);
    emulator.setFaults({ failNext: 2, routes: ['repos/upload-release-asset'] });
    const result = await publisher.assembleRelease(request);
    expect(emulator.requests.filter((r) => r.fault === 'server-error')).toHaveLength(2);
    const { data } = await octokit.rest.repos.listReleaseAssets({ ...repo, release_id: result.releaseId! });
    expect(data).toHaveLength(7);
    for (const planned of request.assets) {
      expect(data.find((a) => a.name === planned.name)).toMatchObject({ size: planned.size, digest: planned.sha256 });
    }
  });

  it('does not duplicate a draft when GitHub created it but the response was a server error', async () => {
    const { publisher, octokit } = publisherFor(emulator);
    const request = await input(publisher, 'web-app', '1.2.0', await chartFiles('web-app', '1.2.0'));
    // the draft lands, but the client sees a 502 (created after the run's listing, so only a fresh look finds it)
    const created = await octokit.rest.repos.createRelease({
      ...repo,
      tag_name: 'web-app-v1.2.0',
      name: 'web-app: v1.2.0',
      body: request.notes,
      draft: true,
      target_commitish: RELEASE_SHA,
    });
    emulator.setFaults({ failNext: 1, routes: ['repos/create-release'] });
    const result = await publisher.assembleRelease(request);
    expect(result.releaseId).toBe(created.data.id);
    const { data } = await octokit.rest.repos.listReleases({ ...repo });
    expect(data.map((r) => r.tag_name)).toEqual(['web-app-v1.2.0']);
    expect(data[0]!.assets).toHaveLength(7);
  });

  it('retries a create that failed before reaching GitHub, once', async () => {
    const { publisher, octokit } = publisherFor(emulator);
    const request = await input(publisher, 'web-app', '1.2.0', await chartFiles('web-app', '1.2.0'));
    emulator.setFaults({ failNext: 1, routes: ['repos/create-release'] });
    await publisher.assembleRelease(request);
    const { data } = await octokit.rest.repos.listReleases({ ...repo });
    expect(data.map((r) => r.tag_name)).toEqual(['web-app-v1.2.0']);
  });

  it("deletes this run's drafts and never a published release", async () => {
    const { publisher, octokit } = publisherFor(emulator);
    const published = await publisher.assembleRelease(await input(publisher, 'web-app', '1.2.0', await chartFiles('web-app', '1.2.0')));
    await publisher.publishReleases([published]);
    const draft = await publisher.assembleRelease(await input(publisher, 'api-service', '2.0.0', await chartFiles('api-service', '2.0.0')));
    const deleted = await publisher.deleteDrafts([published, draft]);
    expect(deleted).toEqual(['api-service-v2.0.0']);
    const { data } = await octokit.rest.repos.listReleases({ ...repo });
    expect(data.map((r) => [r.tag_name, r.draft])).toEqual([['web-app-v1.2.0', false]]);
    // deleting again is not an error
    expect(await publisher.deleteDrafts([draft])).toEqual(['api-service-v2.0.0']);
  });

  it('stays within 2 + assets requests per chart plus one listing', async () => {
    const { publisher } = publisherFor(emulator);
    const from = emulator.requests.length;
    const existing = await publisher.listExistingReleases(`${OWNER}/${REPO}`);
    const drafts = [];
    for (const chart of ['a', 'b', 'c']) {
      const request = await input(publisher, chart, '1.0.0', await chartFiles(chart, '1.0.0'));
      drafts.push(await publisher.assembleRelease({ ...request, existing }));
    }
    await publisher.publishReleases(drafts);
    // the helper lists once per chart too; count only what assembling and publishing cost
    const writes = emulator.requests.slice(from).filter((r) => r.operationId !== 'repos/list-releases');
    expect(writes).toHaveLength(3 * (2 + 7));
  });
});
