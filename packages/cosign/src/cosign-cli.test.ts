import { describe, expect, it } from 'vitest';
import {
  classifyVerifyFailure,
  cosignErrorLine,
  dockerConfigFor,
  parseVerifyOutput,
  cosignSignArgs,
  cosignSignBlobArgs,
  cosignVerifyArgs,
  cosignVerifyBlobArgs,
  parseSignBlobOutput,
} from './cosign-cli.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const REF = `ghcr.io/acme/charts/nginx@${DIGEST}`;

describe('cosign argv', () => {
  it('signs by digest in the bundle format against the public instance by default', () => {
    expect(cosignSignArgs({ reference: REF, bundlePath: '/tmp/b.json' })).toEqual(['sign', '--yes', '--new-bundle-format', '--bundle', '/tmp/b.json', REF]);
  });

  it('turns the signing config off when Fulcio, Rekor or a TSA are given, and passes the trusted root', () => {
    const args = cosignSignArgs({
      reference: REF,
      bundlePath: 'b.json',
      fulcioUrl: 'http://127.0.0.1:1',
      rekorUrl: 'http://127.0.0.1:2',
      tsaUrl: 'http://127.0.0.1:3/api/v1/timestamp',
      trustedRootPath: 'root.json',
      allowHttpRegistry: true,
    });
    expect(args).toEqual([
      'sign',
      '--yes',
      '--new-bundle-format',
      '--use-signing-config=false',
      '--fulcio-url',
      'http://127.0.0.1:1',
      '--rekor-url',
      'http://127.0.0.1:2',
      '--timestamp-server-url',
      'http://127.0.0.1:3/api/v1/timestamp',
      '--trusted-root',
      'root.json',
      '--allow-http-registry',
      '--bundle',
      'b.json',
      REF,
    ]);
  });

  it('never puts an identity token on the command line', () => {
    const args = cosignSignArgs({ reference: REF, bundlePath: 'b.json', fulcioUrl: 'http://f' }).join(' ');
    expect(args).not.toMatch(/identity-token|eyJ/);
  });

  it('refuses to sign a tag', () => {
    expect(() => cosignSignArgs({ reference: 'ghcr.io/acme/nginx:1.0.0', bundlePath: 'b' })).toThrow(/digest reference/);
  });

  it('signs a blob with a key and without the transparency log', () => {
    expect(cosignSignBlobArgs({ file: 'nginx-1.0.0.tgz', bundlePath: 'nginx-1.0.0.tgz.sigstore.json', keyPath: 'cosign.key', tlogUpload: false })).toEqual([
      'sign-blob',
      '--yes',
      '--new-bundle-format',
      '--use-signing-config=false',
      '--key',
      'cosign.key',
      '--tlog-upload=false',
      '--bundle',
      'nginx-1.0.0.tgz.sigstore.json',
      'nginx-1.0.0.tgz',
    ]);
  });

  it('verifies a digest against an exact identity and issuer', () => {
    expect(
      cosignVerifyArgs({
        reference: REF,
        certificateIdentity: 'https://github.com/acme/charts/.github/workflows/release.yml@refs/heads/release',
        issuer: 'https://token.actions.githubusercontent.com',
      }),
    ).toEqual([
      'verify',
      '--new-bundle-format',
      '--certificate-identity',
      'https://github.com/acme/charts/.github/workflows/release.yml@refs/heads/release',
      '--certificate-oidc-issuer',
      'https://token.actions.githubusercontent.com',
      '--output',
      'json',
      REF,
    ]);
  });

  it('verifies a blob against an identity pattern with a private trusted root', () => {
    expect(
      cosignVerifyBlobArgs({
        file: 'c.tgz',
        bundlePath: 'c.tgz.sigstore.json',
        certificateIdentityRegexp: '^https://github.com/acme/',
        issuer: 'https://issuer',
        trustedRootPath: 'tr.json',
      }),
    ).toEqual([
      'verify-blob',
      '--new-bundle-format',
      '--certificate-identity-regexp',
      '^https://github.com/acme/',
      '--certificate-oidc-issuer',
      'https://issuer',
      '--trusted-root',
      'tr.json',
      '--bundle',
      'c.tgz.sigstore.json',
      'c.tgz',
    ]);
  });

  it('verifies with a public key instead of an identity', () => {
    expect(cosignVerifyArgs({ reference: REF, publicKeyPath: 'cosign.pub' })).toEqual([
      'verify',
      '--new-bundle-format',
      '--key',
      'cosign.pub',
      '--output',
      'json',
      REF,
    ]);
  });

  it('requires an issuer with an identity', () => {
    expect(() => cosignVerifyArgs({ reference: REF, certificateIdentity: 'x' })).toThrow(/issuer/);
  });
});

describe('cosign registry credentials', () => {
  it('go into a docker config for the registry, base64 user:password', () => {
    expect(JSON.parse(dockerConfigFor('ghcr.io', { username: 'bot', password: 'pw' }))).toEqual({
      auths: { 'ghcr.io': { auth: Buffer.from('bot:pw').toString('base64') } },
    });
  });
});

describe('cosign output', () => {
  it('reads the base64 signature sign-blob prints after its progress lines', () => {
    expect(parseSignBlobOutput('Using payload from: x\nMEUCIQDx+/abc==\n')).toBe('MEUCIQDx+/abc==');
  });

  it('rejects output without a signature', () => {
    expect(() => parseSignBlobOutput('')).toThrow(/no base64 signature/);
    expect(() => parseSignBlobOutput('Error: signing failed\n')).toThrow(/no base64 signature/);
  });

  it('reads the verified signatures from cosign verify --output json', () => {
    const stdout = `[{"critical":{"identity":{"docker-reference":"ghcr.io/acme/charts/nginx"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"https://sigstore.dev/cosign/sign/v1"},"optional":{}}]\n`;
    expect(parseVerifyOutput(`Verification for ${REF} --\nThe following checks were performed...\n${stdout}`)).toEqual([
      { digest: DIGEST, type: 'https://sigstore.dev/cosign/sign/v1', dockerReference: 'ghcr.io/acme/charts/nginx' },
    ]);
    const legacy = `[{"critical":{"identity":{"docker-reference":"x"},"image":{"docker-manifest-digest":"${DIGEST}"},"type":"cosign container image signature"},"optional":{"Subject":"https://github.com/acme/charts/.github/workflows/release.yml@refs/heads/release","Issuer":"https://token.actions.githubusercontent.com"}}]`;
    expect(parseVerifyOutput(legacy)[0]).toMatchObject({
      identity: 'https://github.com/acme/charts/.github/workflows/release.yml@refs/heads/release',
      issuer: 'https://token.actions.githubusercontent.com',
    });
    expect(() => parseVerifyOutput('no json here')).toThrow(/no JSON result/);
  });

  it('classifies verification failures', () => {
    expect(classifyVerifyFailure('Error: no signatures found\nmain.go:74: error during command execution')).toBe('SIGNATURE_NOT_FOUND');
    expect(classifyVerifyFailure('Error: no valid bundles exist in registry')).toBe('SIGNATURE_NOT_FOUND');
    expect(classifyVerifyFailure('Error: none of the expected identities matched what was in the certificate')).toBe('UNTRUSTED_SIGNER');
    expect(classifyVerifyFailure('Error: invalid signature when validating ASN.1 encoded signature')).toBe('SIGNATURE_INVALID');
  });

  it('keeps the error line and redacts tokens in it', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl';
    expect(cosignErrorLine(`Generating ephemeral keys...\nError: bad token ${jwt}\nmain.go:74: error during command execution`)).toBe('bad token ***');
  });
});
