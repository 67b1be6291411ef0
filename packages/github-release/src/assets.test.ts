import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planReleaseAssets } from './assets.ts';
import { contentTypeFor } from './content-type.ts';

async function files() {
  const dir = await mkdtemp(join(tmpdir(), 'assets-'));
  const write = async (name: string, content: string) => {
    await writeFile(join(dir, name), content);
    return join(dir, name);
  };
  return {
    dir,
    package: await write('web-app-0.3.0.tgz', 'tgz bytes'),
    signature: await write('web-app-0.3.0.tgz.sig', 'sig'),
    lineage: await write('lineage.json', '{}'),
    changelog: await write('CHANGELOG.md', '# Changelog\n'),
    license: await write('LICENSE', 'Apache-2.0\n'),
  };
}

describe('release asset planning', () => {
  it('names, types, sizes and hashes every file', async () => {
    const f = await files();
    const plan = await planReleaseAssets({
      chart: 'web-app',
      files: { package: f.package, signature: f.signature, lineage: f.lineage, changelog: f.changelog, license: f.license },
    });
    expect(plan.errors).toEqual([]);
    expect(plan.warnings).toEqual([]);
    expect(plan.assets.map((a) => [a.kind, a.name, a.contentType, a.size])).toEqual([
      ['package', 'web-app-0.3.0.tgz', 'application/gzip', 9],
      ['signature', 'web-app-0.3.0.tgz.sig', 'application/octet-stream', 3],
      ['lineage', 'web-app-attestation-lineage.json', 'application/json', 2],
      ['changelog', 'CHANGELOG.md', 'text/markdown; charset=utf-8', 12],
      ['license', 'LICENSE', 'text/plain; charset=utf-8', 11],
    ]);
    expect(plan.assets[0]!.sha256).toBe(`sha256:${createHash('sha256').update('tgz bytes').digest('hex')}`);
  });

  it('report every missing required file at once, naming it, and warn about optional ones', async () => {
    const f = await files();
    const plan = await planReleaseAssets({
      chart: 'web-app',
      files: { package: join(f.dir, 'web-app-9.9.9.tgz'), readme: join(f.dir, 'README.md'), changelog: f.changelog },
      required: ['package', 'signature', 'changelog'],
    });
    expect(plan.errors.map((e) => [e.code, e.file])).toEqual([
      ['ASSET_MISSING', join(f.dir, 'web-app-9.9.9.tgz')],
      ['ASSET_MISSING', undefined],
    ]);
    expect(plan.errors[0]!.message).toContain('does not exist');
    expect(plan.errors[1]!.message).toContain('no signature file');
    expect(plan.errors.every((e) => e.chart === 'web-app' && e.hint)).toBe(true);
    expect(plan.warnings.map((w) => [w.code, w.file])).toEqual([['ASSET_SKIPPED', join(f.dir, 'README.md')]]);
    expect(plan.assets.map((a) => a.name)).toEqual(['CHANGELOG.md']);
  });

  it('refuse a package that is not a .tgz and two files with one asset name', async () => {
    const f = await files();
    await mkdir(join(f.dir, 'docs'));
    await writeFile(join(f.dir, 'docs', 'CHANGELOG.md'), 'x');
    const plan = await planReleaseAssets({ chart: 'web-app', files: { package: f.changelog, changelog: join(f.dir, 'docs', 'CHANGELOG.md') } });
    expect(plan.errors.map((e) => e.code).sort()).toEqual(['ASSET_INVALID', 'ASSET_NAME_CONFLICT']);
  });
});

describe('content types', () => {
  it.each([
    ['web-app-0.3.0.tgz', 'application/gzip'],
    ['web-app-0.3.0.tgz.sig', 'application/octet-stream'],
    ['web-app-0.3.0.tgz.sigstore.json', 'application/vnd.dev.sigstore.bundle.v0.3+json'],
    ['web-app-attestation-lineage.json', 'application/json'],
    ['README.md', 'text/markdown; charset=utf-8'],
    ['LICENSE', 'text/plain; charset=utf-8'],
    ['LICENSE.txt', 'text/plain; charset=utf-8'],
    ['blob', 'application/octet-stream'],
  ])('%s is %s', (name, type) => {
    expect(contentTypeFor(name)).toBe(type);
  });
});
