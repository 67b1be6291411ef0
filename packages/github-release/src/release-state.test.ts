import { describe, expect, it } from 'vitest';
import type { PlannedAsset } from './assets.ts';
import { decideAssets, decideRelease, isChartReleaseAsset, type ExistingAsset, type ExistingRelease } from './release-state.ts';

const sha = (c: string) => `sha256:${c.repeat(64)}`;
const pkg: PlannedAsset = {
  kind: 'package',
  name: 'web-app-1.0.0.tgz',
  path: '/tmp/web-app-1.0.0.tgz',
  contentType: 'application/gzip',
  size: 10,
  sha256: sha('a'),
};
const sig: PlannedAsset = {
  kind: 'signature',
  name: 'web-app-1.0.0.tgz.sig',
  path: '/tmp/web-app-1.0.0.tgz.sig',
  contentType: 'application/octet-stream',
  size: 3,
  sha256: sha('b'),
};
const asset = (over: Partial<ExistingAsset>): ExistingAsset => ({
  id: 1,
  name: pkg.name,
  size: 10,
  digest: sha('a'),
  state: 'uploaded',
  contentType: 'application/gzip',
  ...over,
});
const desired = { tag: 'web-app-v1.0.0', name: 'web-app: v1.0.0', body: 'notes', prerelease: false, targetCommitish: 'abc' };
const release = (over: Partial<ExistingRelease>): ExistingRelease => ({
  id: 7,
  tag: 'web-app-v1.0.0',
  name: 'web-app: v1.0.0',
  body: 'notes',
  draft: true,
  prerelease: false,
  targetCommitish: 'abc',
  htmlUrl: 'https://github.com/acme/charts/releases/tag/web-app-v1.0.0',
  uploadUrl: 'https://uploads.github.com/repos/acme/charts/releases/7/assets{?name,label}',
  assets: [asset({})],
  ...over,
});

describe('release decisions', () => {
  it('create a draft when there is no release for the tag', () => {
    expect(decideRelease('web-app', undefined, desired, pkg)).toEqual({ action: 'create' });
  });

  it('reuse a draft, updating it only when its fields differ', () => {
    expect(decideRelease('web-app', release({}), desired, pkg)).toMatchObject({ action: 'reuse-draft', update: false });
    expect(decideRelease('web-app', release({ body: 'notes\r\n' }), desired, pkg)).toMatchObject({ action: 'reuse-draft', update: false });
    expect(decideRelease('web-app', release({ body: 'old notes' }), desired, pkg)).toMatchObject({ action: 'reuse-draft', update: true });
    expect(decideRelease('web-app', release({ prerelease: true }), desired, pkg)).toMatchObject({ action: 'reuse-draft', update: true });
  });

  it('leave a published release with the same package alone', () => {
    expect(decideRelease('web-app', release({ draft: false }), desired, pkg)).toMatchObject({ action: 'exists' });
  });

  it('refuse to touch a published release whose package differs or is missing', () => {
    for (const assets of [[asset({ digest: sha('c') })], [asset({ size: 11 })], [], [asset({ name: 'other.tgz' })]]) {
      expect(() => decideRelease('web-app', release({ draft: false, assets }), desired, pkg)).toThrow(
        expect.objectContaining({ code: 'RELEASE_IMMUTABLE', chart: 'web-app', hint: expect.stringContaining('bump the chart version') }),
      );
    }
  });

  it('ask to download a published package whose digest GitHub does not report', () => {
    expect(decideRelease('web-app', release({ draft: false, assets: [asset({ digest: null })] }), desired, pkg)).toMatchObject({ action: 'verify-package' });
  });
});

describe('asset decisions in a draft', () => {
  it('keep identical assets and upload missing ones', () => {
    expect(decideAssets([asset({})], [pkg, sig]).map((a) => a.action)).toEqual(['keep', 'upload']);
  });

  it('replace an asset with other content, an unfinished upload, or no digest to compare', () => {
    for (const over of [{ digest: sha('c') }, { size: 9 }, { state: 'open' }, { digest: null }]) {
      expect(decideAssets([asset(over)], [pkg])).toMatchObject([{ action: 'replace' }]);
    }
  });

  it('delete assets this run does not attach', () => {
    expect(decideAssets([asset({}), asset({ id: 2, name: 'web-app-1.0.0.tgz.sig' })], [pkg])).toMatchObject([
      { action: 'keep' },
      { action: 'delete', existing: { id: 2 } },
    ]);
  });

  it('leave in place an asset chart-release does not make', () => {
    const ours = (name: string) => isChartReleaseAsset('web-app', name);
    expect(decideAssets([asset({}), asset({ id: 2, name: 'web-app-1.0.0.tgz.sig' }), asset({ id: 3, name: 'sbom.spdx.json' })], [pkg], ours)).toMatchObject([
      { action: 'keep' },
      { action: 'delete', existing: { id: 2 } },
      { action: 'leave', existing: { id: 3 } },
    ]);
    for (const name of [
      'web-app-1.0.0.tgz',
      'web-app-1.0.0.tgz.sigstore.json',
      'web-app-attestation-lineage.json',
      'CHANGELOG.md',
      'README.md',
      'LICENSE',
      'LICENSE.txt',
    ])
      expect(ours(name), name).toBe(true);
    for (const name of ['api-1.0.0.tgz', 'sbom.spdx.json', 'web-app.png', 'notes.md']) expect(ours(name), name).toBe(false);
  });
});
