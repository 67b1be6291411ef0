import { generateKeyPairSync } from 'node:crypto';
import { appendFile, copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSigner, findCosign, verifyBlob, verifyByDigest, verifyWithCosign } from '../src/index.ts';
import { cosignKeyPem, RELEASE_WORKFLOW, startSigningWorld, type SigningWorld } from './fixtures.ts';

let world: SigningWorld;
let chart: { tgz: string; digest: string; repository: string };
const policy = () => ({ certificateIdentity: RELEASE_WORKFLOW, issuer: world.stack.oidc.issuer });
const hasCosign = Boolean(await findCosign());

beforeAll(async () => {
  world = await startSigningWorld();
  chart = await world.pushChart('podinfo', '2.0.0');
});
afterAll(async () => {
  await world?.stop();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('blob signing', () => {
  it('writes .sig and .sigstore.json that verify, and a changed package fails with the digests', async () => {
    const signer = createSigner({
      mode: 'sigstore',
      fulcioUrl: world.stack.fulcioUrl,
      rekorUrl: world.stack.rekorUrl,
      identityToken: world.stack.oidc.mintToken({ sub: RELEASE_WORKFLOW }),
    });
    const signed = await signer.signBlob(chart.tgz);
    expect(signed).toMatchObject({ signaturePath: `${chart.tgz}.sig`, bundlePath: `${chart.tgz}.sigstore.json`, certificateIdentity: RELEASE_WORKFLOW });
    const bundle = JSON.parse(await readFile(signed.bundlePath, 'utf8')) as {
      mediaType: string;
      messageSignature: { signature: string };
      verificationMaterial: Record<string, unknown>;
    };
    expect(bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(bundle.verificationMaterial.certificate).toBeDefined();
    expect(await readFile(signed.signaturePath, 'utf8')).toBe(bundle.messageSignature.signature);

    const ok = await verifyBlob({ path: chart.tgz, policy: policy(), trustedRootPath: world.stack.trustedRootPath });
    expect(ok).toMatchObject({ verified: true, certificateIdentity: RELEASE_WORKFLOW });

    const tampered = join(world.dir, 'tampered.tgz');
    await copyFile(chart.tgz, tampered);
    await appendFile(tampered, Buffer.from([0]));
    await expect(
      verifyBlob({ path: tampered, bundlePath: signed.bundlePath, policy: policy(), trustedRootPath: world.stack.trustedRootPath }),
    ).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      message: expect.stringContaining('the file was changed after signing'),
      details: { reason: 'digest' },
    });
    await expect(
      verifyBlob({ path: chart.tgz, policy: { ...policy(), issuer: 'https://accounts.google.com' }, trustedRootPath: world.stack.trustedRootPath }),
    ).rejects.toMatchObject({ code: 'UNTRUSTED_SIGNER', details: { reason: 'issuer' } });
  });

  it('gets its identity token from the GitHub Actions OIDC endpoint', async () => {
    const endpoint = world.stack.oidc.actionsTokenEndpoint({ sub: RELEASE_WORKFLOW });
    vi.stubEnv('SIGSTORE_ID_TOKEN', '');
    vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_URL', endpoint.requestUrl);
    vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_TOKEN', endpoint.requestToken);
    const file = join(world.dir, 'actions.tgz');
    await copyFile(chart.tgz, file);
    const signed = await createSigner({ mode: 'sigstore', fulcioUrl: world.stack.fulcioUrl, rekorUrl: world.stack.rekorUrl }).signBlob(file);
    expect(signed.certificateIdentity).toBe(RELEASE_WORKFLOW);
    expect((await verifyBlob({ path: file, policy: policy(), trustedRootPath: world.stack.trustedRootPath })).verified).toBe(true);
  });
});

describe('keyless signing without a token', () => {
  it('fails the chart naming the permission to grant, and attaches nothing', async () => {
    vi.stubEnv('SIGSTORE_ID_TOKEN', '');
    vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_URL', '');
    const signer = createSigner({ mode: 'sigstore', fulcioUrl: world.stack.fulcioUrl, rekorUrl: world.stack.rekorUrl, chart: 'podinfo' });
    await expect(signer.signByDigest({ registryClient: world.client, repository: chart.repository, digest: chart.digest })).rejects.toMatchObject({
      code: 'SIGNING_FAILED',
      chart: 'podinfo',
      hint: expect.stringContaining('id-token: write'),
    });
    expect((await world.client.referrers(chart.repository, chart.digest)).manifests).toEqual([]);
  });
});

describe('key signing', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyPem = privateKey.export({ format: 'pem', type: 'pkcs8', cipher: 'aes-256-cbc', passphrase: 'key password' }).toString();
  const publicKeyPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();

  it('signs a digest with an encrypted PEM key, logged in Rekor, verifiable with the public key only', async () => {
    const signer = createSigner({ mode: 'key', keyPem, keyPassword: 'key password', rekorUrl: world.stack.rekorUrl });
    const signed = await signer.signByDigest({ registryClient: world.client, repository: chart.repository, digest: chart.digest });
    expect(signed.bundle.verificationMaterial).toMatchObject({ publicKey: { hint: expect.any(String) } });
    expect(signed.certificateIdentity).toBeUndefined();
    const result = await verifyByDigest({
      registryClient: world.client,
      repository: chart.repository,
      digest: chart.digest,
      policy: { publicKeyPem },
      trustedRootPath: world.stack.trustedRootPath,
    });
    expect(result).toMatchObject({ verified: true, referrerDigest: signed.referrerDigest, keyHint: expect.any(String), rekorLogIndex: expect.any(Number) });

    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString();
    await expect(
      verifyByDigest({
        registryClient: world.client,
        repository: chart.repository,
        digest: chart.digest,
        policy: { publicKeyPem: otherKey },
        trustedRootPath: world.stack.trustedRootPath,
      }),
    ).rejects.toMatchObject({ code: 'SIGNATURE_INVALID' });
  });

  it('signs with a key cosign generate-key-pair wrote, its password from COSIGN_PASSWORD, and names a wrong password', async () => {
    const keyPath = join(world.dir, 'cosign.key');
    await writeFile(keyPath, cosignKeyPem(privateKey, 'cosign password'));
    vi.stubEnv('COSIGN_PASSWORD', 'cosign password');
    const signer = createSigner({ mode: 'key', keyPath, rekorUrl: world.stack.rekorUrl });
    const signed = await signer.signByDigest({ registryClient: world.client, repository: chart.repository, digest: chart.digest });
    const file = join(world.dir, 'cosign-keyed.tgz');
    await copyFile(chart.tgz, file);
    await signer.signBlob(file);
    expect(signed.bundle.verificationMaterial).toMatchObject({ publicKey: { hint: expect.any(String) } });
    expect(
      await verifyByDigest({
        registryClient: world.client,
        repository: chart.repository,
        digest: chart.digest,
        policy: { publicKeyPem },
        trustedRootPath: world.stack.trustedRootPath,
      }),
    ).toMatchObject({ verified: true });
    expect((await verifyBlob({ path: file, policy: { publicKeyPem }, trustedRootPath: world.stack.trustedRootPath })).verified).toBe(true);
    vi.stubEnv('COSIGN_PASSWORD', 'not it');
    await expect(createSigner({ mode: 'key', keyPath, tlogUpload: false }).signBlob(file)).rejects.toMatchObject({
      code: 'SIGNING_FAILED',
      message: expect.stringContaining('the password is wrong'),
    });
    vi.unstubAllEnvs();
  });

  it('signs a blob from CHART_RELEASE_SIGNING_KEY without a transparency log, verifiable offline only with the log explicitly ignored', async () => {
    vi.stubEnv('CHART_RELEASE_SIGNING_KEY', privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
    const file = join(world.dir, 'keyed.tgz');
    await copyFile(chart.tgz, file);
    const signed = await createSigner({ mode: 'key', tlogUpload: false }).signBlob(file);
    expect(signed.rekorLogIndex).toBeUndefined();
    await expect(verifyBlob({ path: file, policy: { publicKeyPem } })).rejects.toMatchObject({ code: 'SIGNATURE_INVALID', details: { reason: 'tlog' } });
    expect((await verifyBlob({ path: file, policy: { publicKeyPem }, insecureIgnoreTlog: true })).verified).toBe(true);
    await expect(verifyBlob({ path: file, policy: policy(), trustedRootPath: world.stack.trustedRootPath })).rejects.toMatchObject({
      code: 'UNTRUSTED_SIGNER',
      details: { reason: 'key-mismatch' },
    });
  });
});

describe('cosign CLI backend', () => {
  it.skipIf(!hasCosign)('signs with cosign and cosign verifies it (skipped: no cosign binary on PATH)', async () => {
    const token = world.stack.oidc.mintToken({ sub: RELEASE_WORKFLOW });
    const signer = createSigner({
      mode: 'cosign',
      fulcioUrl: world.stack.fulcioUrl,
      rekorUrl: world.stack.rekorUrl,
      trustedRootPath: world.stack.trustedRootPath,
      identityToken: token,
    });
    const signed = await signer.signByDigest({ registryClient: world.client, repository: chart.repository, digest: chart.digest });
    expect(signed.certificateIdentity).toBe(RELEASE_WORKFLOW);
    // what cosign attached verifies with sigstore-js, and what it signed verifies with cosign
    expect(
      (
        await verifyByDigest({
          registryClient: world.client,
          repository: chart.repository,
          digest: chart.digest,
          policy: policy(),
          trustedRootPath: world.stack.trustedRootPath,
        })
      ).verified,
    ).toBe(true);
    const byCosign = await verifyWithCosign('cosign', {
      kind: 'digest',
      reference: `${world.registry.host}/${chart.repository}@${chart.digest}`,
      ...policy(),
      trustedRootPath: world.stack.trustedRootPath,
      allowHttpRegistry: true,
    });
    expect(byCosign.signatures).toContainEqual(expect.objectContaining({ digest: chart.digest, type: 'https://sigstore.dev/cosign/sign/v1' }));
    await expect(
      verifyWithCosign('cosign', {
        kind: 'digest',
        reference: `${world.registry.host}/${chart.repository}@${chart.digest}`,
        certificateIdentity: 'https://example.com/other',
        issuer: world.stack.oidc.issuer,
        trustedRootPath: world.stack.trustedRootPath,
        allowHttpRegistry: true,
      }),
    ).rejects.toMatchObject({ code: 'UNTRUSTED_SIGNER' });
  });
});
