import { generateKeyPairSync, verify as verifySignature, X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skopeoListTags, skopeoRawManifest } from '@chart-release/testkit';
import { attachBundle, checkReady, createSigner, findLegacySignatures, verifyByDigest, type DigestSignature, type SigningConfig } from '../src/index.ts';
import { RELEASE_WORKFLOW, startSigningWorld, type SigningWorld } from './fixtures.ts';

let world: SigningWorld;
let chart: { digest: string; repository: string };
let signed: DigestSignature;
const keyless = (): SigningConfig => ({
  mode: 'sigstore',
  fulcioUrl: world.stack.fulcioUrl,
  rekorUrl: world.stack.rekorUrl,
  trustedRootPath: world.stack.trustedRootPath,
  identityToken: world.stack.oidc.mintToken({ sub: RELEASE_WORKFLOW }),
});
const policy = () => ({
  certificateIdentity: RELEASE_WORKFLOW,
  issuer: world.stack.oidc.issuer,
});
const { privateKey, publicKey } = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
});
const publicKeyPem = publicKey.export({ format: 'pem', type: 'spki' }).toString();

beforeAll(async () => {
  world = await startSigningWorld();
  chart = await world.pushChart('legacy', '1.0.0');
  signed = await createSigner(keyless()).signByDigest({
    registryClient: world.client,
    repository: chart.repository,
    digest: chart.digest,
  });
});
afterAll(async () => {
  await world?.stop();
});

describe("cosign v2's signature layout beside the bundle", () => {
  const sigTag = () => `${chart.digest.replace(':', '-')}.sig`;

  it('writes the .sig tag with the simple-signing payload and signature, certificate, chain and Rekor bundle annotations', async () => {
    expect(signed.referrerDigest).toEqual(expect.any(String));
    expect(signed.legacyRef).toBe(`${world.registry.host}/${chart.repository}:${sigTag()}`);
    expect(await skopeoListTags(`${world.registry.host}/${chart.repository}`)).toContain(sigTag());
    const manifest = (await skopeoRawManifest(`${world.registry.host}/${chart.repository}:${sigTag()}`)) as {
      mediaType: string;
      config: { mediaType: string };
      layers: { mediaType: string; annotations: Record<string, string> }[];
    };
    expect(manifest.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(manifest.config.mediaType).toBe('application/vnd.oci.image.config.v1+json');
    expect(manifest.layers).toHaveLength(1);
    const layer = manifest.layers[0]!;
    expect(layer.mediaType).toBe('application/vnd.dev.cosign.simplesigning.v1+json');
    expect(Object.keys(layer.annotations).sort()).toEqual([
      'dev.cosignproject.cosign/signature',
      'dev.sigstore.cosign/bundle',
      'dev.sigstore.cosign/certificate',
      'dev.sigstore.cosign/chain',
    ]);
    const rekor = JSON.parse(layer.annotations['dev.sigstore.cosign/bundle']!) as {
      SignedEntryTimestamp: string;
      Payload: {
        body: string;
        integratedTime: number;
        logIndex: number;
        logID: string;
      };
    };
    expect(rekor.Payload).toMatchObject({
      integratedTime: expect.any(Number),
      logIndex: expect.any(Number),
      logID: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(JSON.parse(Buffer.from(rekor.Payload.body, 'base64').toString())).toMatchObject({ kind: 'hashedrekord' });
    // the chain is the CA of the trusted root that issued the certificate
    const leaf = new X509Certificate(layer.annotations['dev.sigstore.cosign/certificate']!);
    expect(leaf.checkIssued(new X509Certificate(layer.annotations['dev.sigstore.cosign/chain']!))).toBe(true);
  });

  it("verifies with its certificate and names the chart's digest", async () => {
    const [found] = await findLegacySignatures(world.client, chart.repository, chart.digest);
    const payload = JSON.parse(found!.payload.toString()) as {
      critical: {
        identity: { 'docker-reference': string };
        image: { 'docker-manifest-digest': string };
        type: string;
      };
    };
    expect(payload.critical).toEqual({
      identity: {
        'docker-reference': `${world.registry.host}/${chart.repository}`,
      },
      image: { 'docker-manifest-digest': chart.digest },
      type: 'cosign container image signature',
    });
    const certificate = new X509Certificate(found!.annotations['dev.sigstore.cosign/certificate']!);
    expect(
      verifySignature('sha256', found!.payload, certificate.publicKey, Buffer.from(found!.annotations['dev.cosignproject.cosign/signature']!, 'base64')),
    ).toBe(true);
    const result = await verifyByDigest({
      registryClient: world.client,
      repository: chart.repository,
      digest: chart.digest,
      policy: policy(),
      trustedRootPath: world.stack.trustedRootPath,
      layout: 'legacy',
    });
    expect(result).toMatchObject({
      verified: true,
      layout: 'legacy',
      digest: chart.digest,
      certificateIdentity: RELEASE_WORKFLOW,
      signatureTag: `${chart.digest.replace(':', '-')}.sig`,
    });
  });

  it('refuses a .sig signature copied to another digest', async () => {
    const other = await world.pushChart('legacy', '1.0.1', { other: 1 });
    const { bytes } = await world.client.getManifest(chart.repository, `${chart.digest.replace(':', '-')}.sig`);
    await world.client.putManifest(other.repository, `${other.digest.replace(':', '-')}.sig`, bytes, 'application/vnd.oci.image.manifest.v1+json');
    await expect(
      verifyByDigest({
        registryClient: world.client,
        repository: other.repository,
        digest: other.digest,
        policy: policy(),
        trustedRootPath: world.stack.trustedRootPath,
      }),
    ).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      message: expect.stringContaining(`names ${chart.digest}`),
    });
  });

  it("writes only the .sig tag with layout 'legacy', and a second signature appends a layer", async () => {
    const only = await world.pushChart('legacy-only', '1.0.0');
    await createSigner({ ...keyless(), layout: 'legacy' }).signByDigest({
      registryClient: world.client,
      repository: only.repository,
      digest: only.digest,
    });
    await createSigner({ ...keyless(), layout: 'legacy' }).signByDigest({
      registryClient: world.client,
      repository: only.repository,
      digest: only.digest,
    });
    expect((await world.client.referrers(only.repository, only.digest)).manifests).toEqual([]);
    expect(await findLegacySignatures(world.client, only.repository, only.digest)).toHaveLength(2);
    await expect(
      verifyByDigest({
        registryClient: world.client,
        repository: only.repository,
        digest: only.digest,
        policy: policy(),
        trustedRootPath: world.stack.trustedRootPath,
      }),
    ).resolves.toMatchObject({ layout: 'legacy' });
  });
});

describe('verification hardening', () => {
  it('refuses a key-signed bundle whose transparency log entry was removed, unless the log is explicitly ignored', async () => {
    const keyed = await world.pushChart('keyed', '1.0.0');
    const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const signature = await createSigner({
      mode: 'key',
      keyPem: pem,
      rekorUrl: world.stack.rekorUrl,
      layout: 'bundle',
    }).signByDigest({
      registryClient: world.client,
      repository: keyed.repository,
      digest: keyed.digest,
    });
    const material = signature.bundle.verificationMaterial as Record<string, unknown>;
    const stripped = {
      ...signature.bundle,
      verificationMaterial: { ...material, tlogEntries: [] },
    };
    const stripDigest = await world.pushChart('keyed', '1.0.1', { v: 2 });
    await attachBundle(world.client, stripDigest.repository, stripDigest.digest, JSON.stringify(stripped), 'https://sigstore.dev/cosign/sign/v1');
    const verify = (digest: string, insecureIgnoreTlog?: boolean) =>
      verifyByDigest({
        registryClient: world.client,
        repository: keyed.repository,
        digest,
        policy: { publicKeyPem },
        trustedRootPath: world.stack.trustedRootPath,
        insecureIgnoreTlog,
      });
    await expect(verify(keyed.digest)).resolves.toMatchObject({
      verified: true,
      rekorLogIndex: expect.any(Number),
    });
    // the stripped bundle covers keyed.digest, attached to another digest: refused for the missing entry first
    await expect(verify(stripDigest.digest)).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      details: { reasons: ['tlog'] },
    });
    await expect(verify(stripDigest.digest, true)).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      details: { reasons: ['subject'] },
    });
  });

  it('refuses a signature whose log key is outside its validity window in the trusted root', async () => {
    const root = structuredClone(world.stack.trustedRoot) as {
      tlogs: { publicKey: { validFor: { start: string; end?: string } } }[];
    };
    root.tlogs[0]!.publicKey.validFor = {
      start: '2020-01-01T00:00:00Z',
      end: '2021-01-01T00:00:00Z',
    };
    const retired = join(world.dir, 'retired-log-root.json');
    await writeFile(retired, JSON.stringify(root));
    await expect(
      verifyByDigest({
        registryClient: world.client,
        repository: chart.repository,
        digest: chart.digest,
        policy: policy(),
        trustedRootPath: retired,
        layout: 'bundle',
      }),
    ).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      details: { reasons: ['trust-window'] },
    });
  });

  it('refuses an empty identity regexp through the API, as the CLI does', async () => {
    await expect(
      verifyByDigest({
        registryClient: world.client,
        repository: chart.repository,
        digest: chart.digest,
        policy: {
          certificateIdentityRegexp: '',
          issuer: world.stack.oidc.issuer,
        },
      }),
    ).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringContaining('would accept any signer'),
    });
  });
});

describe('checkReady', () => {
  it('finds nothing wrong with a reachable Fulcio and Rekor and a fresh token', async () => {
    expect(await checkReady(keyless())).toEqual([]);
  });

  it('reports an unreachable Fulcio, an unreachable Rekor and an expired token all at once', async () => {
    const dead = 'http://127.0.0.1:9';
    const expired = world.stack.oidc.mintToken({
      sub: RELEASE_WORKFLOW,
      ttlSeconds: -120,
    });
    const problems = await checkReady({
      ...keyless(),
      fulcioUrl: dead,
      rekorUrl: dead,
      identityToken: expired,
    });
    expect(problems.map((p) => p.code)).toEqual(['SIGNING_UNAVAILABLE', 'SIGNING_UNAVAILABLE', 'SIGNING_UNAVAILABLE']);
    expect(problems.map((p) => p.message).join('\n')).toMatch(
      /Fulcio at http:\/\/127\.0\.0\.1:9 is not reachable[\s\S]*expired[\s\S]*Rekor at http:\/\/127\.0\.0\.1:9 is not reachable|expired[\s\S]*Fulcio[\s\S]*Rekor/,
    );
  });

  it('reports a token from an issuer Fulcio does not accept, and a missing token', async () => {
    const foreign = world.stack.oidc.mintToken({
      sub: RELEASE_WORKFLOW,
      iss: 'https://accounts.example.com',
    });
    expect((await checkReady({ ...keyless(), identityToken: foreign })).map((p) => p.message)).toEqual([
      expect.stringContaining('does not accept tokens from https://accounts.example.com'),
    ]);
    const none = await checkReady({ ...keyless(), identityToken: undefined }, { env: {} });
    expect(none).toEqual([
      expect.objectContaining({
        code: 'SIGNING_UNAVAILABLE',
        message: expect.stringContaining('needs an OIDC identity token'),
      }),
    ]);
  });

  it('checks that a signing key opens', async () => {
    const problems = await checkReady({
      mode: 'key',
      keyPem: 'not a key',
      rekorUrl: world.stack.rekorUrl,
    });
    expect(problems).toEqual([expect.objectContaining({ code: 'SIGNING_UNAVAILABLE' })]);
    expect(
      await checkReady({
        mode: 'key',
        keyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
        rekorUrl: world.stack.rekorUrl,
      }),
    ).toEqual([]);
  });
});
