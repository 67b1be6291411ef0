import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyTrustedRoot, loadTrustedRoot } from './trust.ts';

const dir = mkdtempSync(join(tmpdir(), 'trust-'));

describe('trusted root', () => {
  it('reads a trusted_root.json', async () => {
    const path = join(dir, 'ok.json');
    writeFileSync(
      path,
      JSON.stringify({
        mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
        tlogs: [
          {
            baseUrl: 'https://rekor.example',
            hashAlgorithm: 'SHA2_256',
            publicKey: { rawBytes: 'AAAA', keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start: '2026-01-01T00:00:00Z' } },
            logId: { keyId: 'AAAA' },
          },
        ],
        certificateAuthorities: [],
        ctlogs: [],
        timestampAuthorities: [],
      }),
    );
    const root = await loadTrustedRoot(path);
    expect(root.tlogs[0]?.baseUrl).toBe('https://rekor.example');
  });

  it('names the file when it is missing or not JSON', async () => {
    await expect(loadTrustedRoot(join(dir, 'missing.json'))).rejects.toMatchObject({
      code: 'TRUSTED_ROOT_UNAVAILABLE',
      file: join(dir, 'missing.json'),
      message: expect.stringContaining('ENOENT'),
    });
    writeFileSync(join(dir, 'bad.json'), '{not json');
    await expect(loadTrustedRoot(join(dir, 'bad.json'))).rejects.toMatchObject({
      code: 'TRUSTED_ROOT_UNAVAILABLE',
      hint: expect.stringContaining('trustedroot+json'),
    });
  });

  it('has an empty root that trusts nothing', () => {
    expect(emptyTrustedRoot()).toMatchObject({ tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] });
  });
});
