import { createHash } from 'node:crypto';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { skopeoListTags, skopeoRawManifest } from '@chart-release/testkit';
import { attachBundle, createSigner, verifyByDigest, type DigestSignature, type SigningConfig } from '../src/index.ts';
import { RELEASE_WORKFLOW, startSigningWorld, type SigningWorld } from './fixtures.ts';

let world: SigningWorld;
let chart: { tgz: string; digest: string; repository: string };
let first: DigestSignature;
const keyless = (): SigningConfig => ({
  mode: 'sigstore',
  fulcioUrl: world.stack.fulcioUrl,
  rekorUrl: world.stack.rekorUrl,
  identityToken: world.stack.oidc.mintToken({ sub: RELEASE_WORKFLOW }),
  chart: 'nginx',
});
const policy = () => ({ certificateIdentity: RELEASE_WORKFLOW, issuer: world.stack.oidc.issuer });

beforeAll(async () => {
  world = await startSigningWorld();
  chart = await world.pushChart('nginx', '1.0.0');
  first = await createSigner(keyless()).signByDigest({ registryClient: world.client, repository: chart.repository, digest: chart.digest });
});
afterAll(async () => {
  await world?.stop();
});

describe('keyless signing by digest', () => {
  it('attaches a bundle v0.3 with a DSSE in-toto statement of the manifest digest and reports the signer', () => {
    expect(first.bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    const envelope = first.bundle.dsseEnvelope as { payloadType: string; payload: string };
    expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
    expect(JSON.parse(Buffer.from(envelope.payload, 'base64').toString())).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ digest: { sha256: chart.digest.slice('sha256:'.length) } }],
      predicateType: 'https://sigstore.dev/cosign/sign/v1',
      predicate: {},
    });
    expect(first).toMatchObject({
      certificateIdentity: RELEASE_WORKFLOW,
      issuer: world.stack.oidc.issuer,
      referrerRef: `${world.registry.host}/charts/nginx@${first.referrerDigest}`,
    });
    expect(first.rekorLogIndex).toEqual(expect.any(Number));
  });

  it('lists the signature in the sha256-<hex> fallback index, read independently with skopeo', async () => {
    const tag = chart.digest.replace(':', '-');
    expect(await skopeoListTags(`${world.registry.host}/charts/nginx`)).toContain(tag);
    const index = (await skopeoRawManifest(`${world.registry.host}/charts/nginx:${tag}`)) as { mediaType: string; manifests: Record<string, unknown>[] };
    expect(index.mediaType).toBe('application/vnd.oci.image.index.v1+json');
    expect(index.manifests).toContainEqual(
      expect.objectContaining({
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        digest: first.referrerDigest,
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        annotations: expect.objectContaining({
          'dev.sigstore.bundle.content': 'dsse-envelope',
          'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1',
        }),
      }),
    );
  });

  it('pushes a referrer manifest with the empty config, the bundle layer and the chart as subject', async () => {
    const referrer = (await skopeoRawManifest(`${world.registry.host}/charts/nginx@${first.referrerDigest}`)) as Record<string, never>;
    const chartManifest = await world.client.checkManifest(chart.repository, chart.digest);
    expect(referrer).toMatchObject({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 },
      layers: [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', size: expect.any(Number) }],
      subject: { digest: chart.digest, mediaType: chartManifest!.mediaType, size: chartManifest!.size },
    });
    expect((referrer.annotations as Record<string, string>)['org.opencontainers.image.created']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('is found through the registry and verifies with @sigstore/verify against the identity policy', async () => {
    const { manifests } = await world.client.referrers(chart.repository, chart.digest);
    const { manifest } = await world.client.getManifest(chart.repository, manifests.find((m) => m.digest === first.referrerDigest)!.digest);
    const bundleJson = JSON.parse((await world.client.getBlob(chart.repository, manifest.layers![0]!.digest)).toString()) as Record<string, unknown>;
    const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(world.stack.trustedRoot)), { tlogThreshold: 1, ctlogThreshold: 1 });
    const signer = verifier.verify(toSignedEntity(bundleFromJSON(bundleJson)), {
      subjectAlternativeName: RELEASE_WORKFLOW,
      extensions: { issuer: world.stack.oidc.issuer },
    });
    expect(signer.identity?.subjectAlternativeName).toBe(RELEASE_WORKFLOW);

    const result = await verifyByDigest({
      registryClient: world.client,
      repository: chart.repository,
      digest: chart.digest,
      policy: policy(),
      trustedRootPath: world.stack.trustedRootPath,
    });
    expect(result).toMatchObject({
      verified: true,
      digest: chart.digest,
      certificateIdentity: RELEASE_WORKFLOW,
      issuer: world.stack.oidc.issuer,
      referrerDigest: first.referrerDigest,
    });
  });

  it('accepts an identity pattern', async () => {
    const result = await verifyByDigest({
      registryClient: world.client,
      repository: chart.repository,
      digest: chart.digest,
      policy: { certificateIdentityRegexp: '^https://github\\.com/acme/charts/\\.github/workflows/release\\.yml@', issuer: world.stack.oidc.issuer },
      trustedRootPath: world.stack.trustedRootPath,
    });
    expect(result.verified).toBe(true);
  });
});

describe('verification failures say why', () => {
  it('a wrong identity is an untrusted signer naming who signed', async () => {
    const attempt = verifyByDigest({
      registryClient: world.client,
      repository: chart.repository,
      digest: chart.digest,
      policy: { certificateIdentity: 'https://github.com/evil/fork/.github/workflows/release.yml@refs/heads/main', issuer: world.stack.oidc.issuer },
      trustedRootPath: world.stack.trustedRootPath,
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'UNTRUSTED_SIGNER',
      message: expect.stringContaining(`signed by ${RELEASE_WORKFLOW}, but the policy requires https://github.com/evil/fork`),
    });
    // both layouts (the referrer bundle and the .sig tag) were checked and refused
    await expect(attempt).rejects.toMatchObject({ details: { reasons: ['identity', 'identity'] } });
  });

  it('a wrong issuer is an untrusted signer naming the issuer', async () => {
    const attempt = verifyByDigest({
      registryClient: world.client,
      repository: chart.repository,
      digest: chart.digest,
      policy: { certificateIdentity: RELEASE_WORKFLOW, issuer: 'https://token.actions.githubusercontent.com' },
      trustedRootPath: world.stack.trustedRootPath,
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'UNTRUSTED_SIGNER',
      message: expect.stringContaining(
        `issued for OIDC issuer ${world.stack.oidc.issuer}, but the policy requires https://token.actions.githubusercontent.com`,
      ),
      details: { reasons: ['issuer', 'issuer'] },
    });
  });

  it('a tampered package carrying a copied signature is invalid: the signature covers another digest', async () => {
    const tampered = await world.pushChart('nginx', '1.0.1', { injected: 'backdoor' });
    await attachBundle(world.client, tampered.repository, tampered.digest, JSON.stringify(first.bundle), 'https://sigstore.dev/cosign/sign/v1');
    const attempt = verifyByDigest({
      registryClient: world.client,
      repository: tampered.repository,
      digest: tampered.digest,
      policy: policy(),
      trustedRootPath: world.stack.trustedRootPath,
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      message: expect.stringContaining(`covers ${chart.digest}, not ${tampered.digest}`),
      details: { reasons: ['subject'] },
    });
  });

  it('a bundle whose statement was edited fails signature verification', async () => {
    const edited = await world.pushChart('edited', '1.0.0');
    const envelope = first.bundle.dsseEnvelope as { payload: string };
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as { subject: { digest: { sha256: string } }[] };
    statement.subject[0]!.digest.sha256 = edited.digest.slice('sha256:'.length);
    const forged = { ...first.bundle, dsseEnvelope: { ...envelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64') } };
    await attachBundle(world.client, edited.repository, edited.digest, JSON.stringify(forged), 'https://sigstore.dev/cosign/sign/v1');
    const attempt = verifyByDigest({
      registryClient: world.client,
      repository: edited.repository,
      digest: edited.digest,
      policy: policy(),
      trustedRootPath: world.stack.trustedRootPath,
    });
    await expect(attempt).rejects.toMatchObject({ code: 'SIGNATURE_INVALID', details: { reasons: ['signature'] } });
  });

  it('an unsigned chart has no signature', async () => {
    const unsigned = await world.pushChart('unsigned', '0.1.0');
    await expect(
      verifyByDigest({
        registryClient: world.client,
        repository: unsigned.repository,
        digest: unsigned.digest,
        policy: policy(),
        trustedRootPath: world.stack.trustedRootPath,
      }),
    ).rejects.toMatchObject({ code: 'SIGNATURE_NOT_FOUND' });
  });
});

describe('re-signing', () => {
  it("keeps earlier referrers, including other tools', in the fallback index", async () => {
    const tag = chart.digest.replace(':', '-');
    const { manifest: before } = await world.client.getManifest(chart.repository, tag);
    // another tool's referrer (an SBOM) already listed in the index
    const sbomBlob = await world.client.uploadBlob(chart.repository, Buffer.from('{"spdxVersion":"SPDX-2.3"}'));
    await world.client.uploadBlob(chart.repository, Buffer.from('{}'));
    const sbomManifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        artifactType: 'application/spdx+json',
        config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 },
        layers: [{ mediaType: 'application/spdx+json', digest: sbomBlob.digest, size: sbomBlob.size }],
        subject: {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: chart.digest,
          size: (await world.client.checkManifest(chart.repository, chart.digest))!.size,
        },
      }),
    );
    const sbomDigest = await world.client.putManifest(chart.repository, `sha256:${createHash('sha256').update(sbomManifest).digest('hex')}`, sbomManifest);
    const sbom = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: sbomDigest,
      size: sbomManifest.length,
      artifactType: 'application/spdx+json',
    };
    await world.client.putManifest(
      chart.repository,
      tag,
      Buffer.from(JSON.stringify({ ...before, manifests: [...before.manifests!, sbom] })),
      'application/vnd.oci.image.index.v1+json',
    );

    const second = await createSigner(keyless()).signByDigest({ registryClient: world.client, repository: chart.repository, digest: chart.digest });
    expect(second.referrerDigest).not.toBe(first.referrerDigest);
    const { manifest: after } = await world.client.getManifest(chart.repository, tag);
    expect(after.manifests!.map((m) => m.digest).sort()).toEqual([first.referrerDigest, second.referrerDigest, sbom.digest].sort());

    // the same bundle attached twice at the same time is one referrer and one index entry
    const created = new Date('2026-01-01T00:00:00Z');
    const once = await attachBundle(
      world.client,
      chart.repository,
      chart.digest,
      JSON.stringify(second.bundle),
      'https://sigstore.dev/cosign/sign/v1',
      created,
    );
    const twice = await attachBundle(
      world.client,
      chart.repository,
      chart.digest,
      JSON.stringify(second.bundle),
      'https://sigstore.dev/cosign/sign/v1',
      created,
    );
    expect(twice.referrerDigest).toBe(once.referrerDigest);
    const { manifest: final } = await world.client.getManifest(chart.repository, tag);
    expect(final.manifests).toHaveLength(4);
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
  });

  it('fails the chart with the reason, and no token, when Fulcio refuses', async () => {
    const token = world.stack.oidc.mintToken({ sub: RELEASE_WORKFLOW });
    const signer = createSigner({ ...keyless(), identityToken: token, fulcioUrl: `${world.stack.rekorUrl}/not-fulcio` });
    const attempt = signer.signByDigest({ registryClient: world.client, repository: chart.repository, digest: chart.digest });
    await expect(attempt).rejects.toMatchObject({ code: 'SIGNING_FAILED', chart: 'nginx' });
    const error = (await attempt.catch((e: Error) => e)) as Error;
    expect(error.message).not.toContain(token);
    expect(error.message).toMatch(/signing .*nginx@sha256:.* failed/);
  });
});
