import { createHash } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blobBundleCovers } from './blob-bundle.ts';

describe('blobBundleCovers', () => {
  const sha = createHash('sha256').update('chart bytes').digest();
  const setup = async (bundle: string | undefined, signature = true) => {
    const dir = await mkdtemp(join(tmpdir(), 'blob-bundle-'));
    if (bundle !== undefined) await writeFile(join(dir, 'c.tgz.sigstore.json'), bundle);
    if (signature) await writeFile(join(dir, 'c.tgz.sig'), 'sig');
    return [join(dir, 'c.tgz.sigstore.json'), join(dir, 'c.tgz.sig')] as const;
  };
  const bundleOf = (digest: Buffer) => JSON.stringify({ messageSignature: { messageDigest: { algorithm: 'SHA2_256', digest: digest.toString('base64') } } });

  it('is true for a bundle and signature of the same bytes', async () => {
    expect(await blobBundleCovers(...(await setup(bundleOf(sha))), sha.toString('hex'))).toBe(true);
  });
  it('is false for a bundle of other bytes, a missing signature, or a bundle that is not JSON', async () => {
    const other = createHash('sha256').update('other').digest();
    expect(await blobBundleCovers(...(await setup(bundleOf(other))), sha.toString('hex'))).toBe(false);
    expect(await blobBundleCovers(...(await setup(bundleOf(sha), false)), sha.toString('hex'))).toBe(false);
    expect(await blobBundleCovers(...(await setup('{not json')), sha.toString('hex'))).toBe(false);
  });
});
