import { createHash, createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redact } from '@chart-release/core';
import { cosignKeyPem } from '../test/fixtures.ts';
import { loadSigningKey, signWithKey } from './signing-key.ts';

const p256 = () => generateKeyPairSync('ec', { namedCurve: 'P-256' });

describe('signing key', () => {
  it('loads an encrypted PKCS#8 key with its password and hints it like sigstore-go', () => {
    const { privateKey, publicKey } = p256();
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'correct horse' }).toString();
    const dir = mkdtempSync(join(tmpdir(), 'key-'));
    writeFileSync(join(dir, 'signing.key'), pem);
    const key = loadSigningKey({ keyPath: join(dir, 'signing.key'), keyPassword: 'correct horse' }, {});
    expect(key.hint).toBe(
      createHash('sha256')
        .update(publicKey.export({ format: 'der', type: 'spki' }))
        .digest('base64'),
    );
    const signature = signWithKey(key, Buffer.from('data'));
    expect(verify('sha256', Buffer.from('data'), createPublicKey(key.publicKeyPem), signature)).toBe(true);
    expect(redact('password correct horse')).toBe('password ***');
  });

  it('reads a SEC1 key from CHART_RELEASE_SIGNING_KEY', () => {
    const pem = p256().privateKey.export({ format: 'pem', type: 'sec1' }).toString();
    expect(loadSigningKey({}, { CHART_RELEASE_SIGNING_KEY: pem }).publicKeyPem).toMatch(/BEGIN PUBLIC KEY/);
  });

  it('says an encrypted key needs its password', () => {
    const pem = p256().privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'pw12' }).toString();
    expect(() => loadSigningKey({ keyPem: pem, chart: 'nginx' }, {})).toThrow(/encrypted and no password was given/);
  });

  it('rejects keys that are not ECDSA P-256', () => {
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => loadSigningKey({ keyPem: pem }, {})).toThrow(/not ECDSA P-256/);
  });

  it('explains how to provide a key when none is set', () => {
    expect(() => loadSigningKey({}, {})).toThrow(expect.objectContaining({ code: 'SIGNING_FAILED', hint: expect.stringMatching(/CHART_RELEASE_SIGNING_KEY/) }));
  });

  it('opens a cosign.key with its password, an empty one as cosign allows, and says what is wrong with a bad one', () => {
    const { privateKey, publicKey } = p256();
    const expected = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const pem = cosignKeyPem(privateKey, 'open sesame', 1024);
    expect(loadSigningKey({ keyPem: pem }, { COSIGN_PASSWORD: 'open sesame' }).publicKeyPem).toBe(expected);
    expect(loadSigningKey({ keyPem: pem, keyPassword: 'open sesame' }, { COSIGN_PASSWORD: 'other' }).publicKeyPem).toBe(expected);
    expect(loadSigningKey({ keyPem: cosignKeyPem(privateKey, '', 1024) }, {}).publicKeyPem).toBe(expected);
    expect(() => loadSigningKey({ keyPem: pem, chart: 'nginx' }, {})).toThrow(
      expect.objectContaining({ code: 'SIGNING_FAILED', chart: 'nginx', message: expect.stringContaining('encrypted and no password was given') }),
    );
    expect(() => loadSigningKey({ keyPem: pem }, { CHART_RELEASE_SIGNING_KEY_PASSWORD: 'not-the-password' })).toThrow(/the password is wrong/);
    expect(redact('open sesame')).toBe('***');
    const older = pem.replaceAll('SIGSTORE PRIVATE KEY', 'COSIGN PRIVATE KEY');
    expect(loadSigningKey({ keyPem: older }, { COSIGN_PASSWORD: 'open sesame' }).publicKeyPem).toBe(expected);
    const notJson = '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\nbm90IGEga2V5\n-----END ENCRYPTED SIGSTORE PRIVATE KEY-----\n';
    expect(() => loadSigningKey({ keyPem: notJson }, {})).toThrow(/not the JSON cosign writes/);
  });
});
