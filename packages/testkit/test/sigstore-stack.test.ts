import { createHash, createPublicKey, generateKeyPairSync, sign, verify, X509Certificate, type JsonWebKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSigstoreStack, type SigstoreStack } from '../src/index.ts';

let stack: SigstoreStack;
beforeAll(async () => {
  stack = await startSigstoreStack();
});
afterAll(async () => {
  await stack?.stop();
});

const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

describe('local Sigstore stack', () => {
  it('issues OIDC tokens verifiable with the JWKS from its discovery document', async () => {
    const token = stack.oidc.mintToken({ sub: 'https://github.com/acme/charts/.github/workflows/release.yml@refs/heads/release' });
    const discovery = (await (await fetch(`${stack.oidc.issuer}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
    expect(discovery.issuer).toBe(stack.oidc.issuer);
    const { keys } = (await (await fetch(discovery.jwks_uri)).json()) as { keys: JsonWebKey[] };
    const [header, payload, signature] = token.split('.');
    const key = createPublicKey({ key: keys[0]!, format: 'jwk' });
    expect(verify('sha256', Buffer.from(`${header}.${payload}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature!, 'base64url'))).toBe(true);
    expect(claimsOf(token)).toMatchObject({ iss: stack.oidc.issuer, aud: 'sigstore' });
  });

  it('hands out tokens through a GitHub-Actions-style endpoint only with the request token', async () => {
    const { requestUrl, requestToken } = stack.oidc.actionsTokenEndpoint({ sub: 'repo:acme/charts:ref:refs/heads/release' });
    const denied = await fetch(`${requestUrl}&audience=sigstore`, { headers: { authorization: 'Bearer wrong' } });
    expect(denied.status).toBe(401);
    const { value } = (await (await fetch(`${requestUrl}&audience=sigstore`, { headers: { authorization: `Bearer ${requestToken}` } })).json()) as {
      value: string;
    };
    expect(claimsOf(value)).toMatchObject({ sub: 'repo:acme/charts:ref:refs/heads/release', aud: 'sigstore' });
  });

  it('has Fulcio issue a certificate whose SAN is the token subject, chained to the trusted root', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const sub = 'https://github.com/acme/charts/.github/workflows/release.yml@refs/heads/release';
    const res = await fetch(`${stack.fulcioUrl}/api/v2/signingCert`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        credentials: { oidcIdentityToken: stack.oidc.mintToken({ sub }) },
        publicKeyRequest: {
          publicKey: { algorithm: 'ECDSA', content: publicKey.export({ format: 'pem', type: 'spki' }) },
          proofOfPossession: sign('sha256', Buffer.from(sub), privateKey).toString('base64'),
        },
      }),
    });
    expect(res.status).toBe(201);
    const [leafPem] = ((await res.json()) as { signedCertificateEmbeddedSct: { chain: { certificates: string[] } } }).signedCertificateEmbeddedSct.chain
      .certificates;
    const leaf = new X509Certificate(leafPem!);
    expect(leaf.subjectAltName).toBe(`URI:${sub}`);
    const root = JSON.parse(await readFile(stack.trustedRootPath, 'utf8')) as {
      certificateAuthorities: { certChain: { certificates: { rawBytes: string }[] } }[];
    };
    const rootCert = new X509Certificate(Buffer.from(root.certificateAuthorities[0]!.certChain.certificates[0]!.rawBytes, 'base64'));
    expect(leaf.verify(rootCert.publicKey)).toBe(true);
  });

  it('logs dsse entries in Rekor with the canonical body real Rekor stores', async () => {
    const envelope = JSON.stringify({
      payloadType: 'application/vnd.in-toto+json',
      payload: Buffer.from('{"a":1}').toString('base64'),
      signatures: [{ keyid: '', sig: 'c2ln' }],
    });
    const verifier = Buffer.from('-----BEGIN CERTIFICATE-----\n...').toString('base64');
    const res = await fetch(`${stack.rekorUrl}/api/v1/log/entries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiVersion: '0.0.1', kind: 'dsse', spec: { proposedContent: { envelope, verifiers: [verifier] } } }),
    });
    expect(res.status).toBe(201);
    const entry = Object.values((await res.json()) as Record<string, { body: string; logID: string }>)[0]!;
    expect(JSON.parse(Buffer.from(entry.body, 'base64').toString())).toEqual({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: { algorithm: 'sha256', value: createHash('sha256').update(envelope).digest('hex') },
        payloadHash: { algorithm: 'sha256', value: createHash('sha256').update('{"a":1}').digest('hex') },
        signatures: [{ signature: 'c2ln', verifier }],
      },
    });
    const tlogKeyId = Buffer.from((stack.trustedRoot as { tlogs: { logId: { keyId: string } }[] }).tlogs[0]!.logId.keyId, 'base64').toString('hex');
    expect(entry.logID).toBe(tlogKeyId);
  });

  it('writes a trusted root whose validity starts before now', () => {
    const root = stack.trustedRoot as { mediaType: string; tlogs: { publicKey: { validFor: { start: string } } }[] };
    expect(root.mediaType).toBe('application/vnd.dev.sigstore.trustedroot+json;version=0.1');
    expect(new Date(root.tlogs[0]!.publicKey.validFor.start).getTime()).toBeLessThan(Date.now());
  });
});
