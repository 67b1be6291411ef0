import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets, redact, registerSecret } from './redact.ts';
import { createLogger } from './logger.ts';
import { ReleaseError } from './errors.ts';

afterEach(() => clearSecrets());

const SHAPES: [string, string][] = [
  ['classic GitHub token', 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'],
  ['Actions installation token', 'ghs_' + '0123456789abcdefghijABCDEFGHIJ012345'],
  ['fine-grained PAT', 'github_pat_' + '11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGH'],
  ['OIDC identity token (JWT)', 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL3Rva2VuLmFjdGlvbnMifQ.c2lnbmF0dXJlLWJ5dGVz'],
];

describe('redact', () => {
  it.each(SHAPES)('removes a %s wherever it appears', (_name, secret) => {
    const out = redact(`request failed for ${secret} (token=${secret})`);
    expect(out).not.toContain(secret);
    expect(out).toContain('***');
  });

  it('removes Authorization headers of every scheme', () => {
    for (const scheme of ['Bearer', 'Basic', 'token']) {
      const out = redact(`Authorization: ${scheme} c2VjcmV0LXZhbHVlLTEyMw==`);
      expect(out).toBe(`Authorization: ${scheme} ***`);
    }
  });

  it('removes a registered registry password and its base64 form', () => {
    registerSecret('s3cret-registry-pw');
    const b64 = Buffer.from('s3cret-registry-pw').toString('base64');
    expect(redact(`login failed with s3cret-registry-pw and ${b64}`)).toBe('login failed with *** and ***');
  });

  it('removes credentials in URLs and JSON fields', () => {
    expect(redact('https://user:pa55word@ghcr.io/v2/')).toBe('https://user:***@ghcr.io/v2/');
    expect(redact('{"password":"hunter2","username":"me"}')).toBe('{"password":"***","username":"me"}');
    expect(redact('{"auth": "dXNlcjpwYXNz"}')).toBe('{"auth": "***"}');
  });

  it('removes PEM private keys', () => {
    const pem = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY-----';
    expect(redact(`key: ${pem}`)).not.toContain('MHcCAQEEIB');
  });

  it('keeps ordinary text, digests and refs intact', () => {
    const text = 'pushed oci://ghcr.io/acme/charts/web-app:1.2.3@sha256:' + 'a'.repeat(64);
    expect(redact(text)).toBe(text);
  });

  it('reaches log lines and error messages', () => {
    const token = 'ghs_' + 'Z'.repeat(36);
    registerSecret('plain-password-value');
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l), actions: false });
    log.info(`using ${token}`);
    log.error('bad plain-password-value');
    expect(lines.join('\n')).not.toMatch(/ghs_Z|plain-password-value/);
    const error = new ReleaseError('GITHUB_AUTH_FAILED', `401 with ${token}`, { hint: 'check plain-password-value' });
    expect(JSON.stringify(error.toJSON())).not.toMatch(/ghs_Z|plain-password-value/);
  });
});
