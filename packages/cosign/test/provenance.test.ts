import { buildSLSAProvenancePredicate } from '@actions/attest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { skopeoRawManifest } from '@chart-release/testkit';
import { createSigner, provenanceStatementFor, verifyAttestation, type DigestAttestation, type SigningConfig } from '../src/index.ts';
import { startSigningWorld, type SigningWorld } from './fixtures.ts';

const REPO = 'acme/charts';
const WORKFLOW_REF = `${REPO}/.github/workflows/release.yml@refs/heads/release`;
const IDENTITY = `https://github.com/${WORKFLOW_REF}`;
/** The claims GitHub Actions puts in a release job's OIDC token. */
const claims = (overrides: Record<string, unknown> = {}) => ({
  repository: REPO,
  repository_owner: 'acme',
  repository_id: '4711',
  repository_owner_id: '815',
  ref: 'refs/heads/release',
  sha: 'c0ffee0000000000000000000000000000000001',
  event_name: 'push',
  workflow_ref: WORKFLOW_REF,
  job_workflow_ref: WORKFLOW_REF,
  runner_environment: 'github-hosted',
  run_id: '4242',
  run_attempt: '1',
  ...overrides,
});

let world: SigningWorld;
let chart: { digest: string; repository: string };
let other: { digest: string; repository: string };
let attested: DigestAttestation;
const keyless = (token: string): SigningConfig => ({
  mode: 'sigstore',
  fulcioUrl: world.stack.fulcioUrl,
  rekorUrl: world.stack.rekorUrl,
  identityToken: token,
  layout: 'bundle',
});
const policy = () => ({
  certificateIdentity: IDENTITY,
  issuer: world.stack.oidc.issuer,
});
const tokenFor = (sub: string, extra: Record<string, unknown> = {}) => world.stack.oidc.mintToken({ sub, claims: claims(extra) });

async function attest(token: string, target = chart) {
  const subjectName = `${world.registry.host}/${target.repository}`;
  const statement = await provenanceStatementFor({
    subjectName,
    digest: target.digest,
    identityToken: token,
  });
  return createSigner(keyless(token)).attestByDigest({
    registryClient: world.client,
    repository: target.repository,
    digest: target.digest,
    statement,
  });
}

beforeAll(async () => {
  world = await startSigningWorld();
  chart = await world.pushChart('provenance', '1.0.0');
  other = await world.pushChart('provenance', '1.0.1', { other: true });
  attested = await attest(tokenFor(IDENTITY));
});
afterAll(async () => {
  await world?.stop();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('SLSA build provenance', () => {
  it('has the predicate @actions/attest builds from the same Actions environment, field for field', async () => {
    const endpoint = world.stack.oidc.actionsTokenEndpoint({
      sub: IDENTITY,
      claims: claims(),
    });
    vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_URL', endpoint.requestUrl);
    vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_TOKEN', endpoint.requestToken);
    vi.stubEnv('GITHUB_SERVER_URL', 'https://github.com');
    vi.stubEnv('SIGSTORE_ID_TOKEN', '');
    const theirs = await buildSLSAProvenancePredicate(world.stack.oidc.issuer);
    const ours = await provenanceStatementFor({
      subjectName: 'registry.test/acme/charts/web-app',
      digest: chart.digest,
      serverUrl: 'https://github.com',
    });
    expect(ours.predicateType).toBe(theirs.type);
    expect(ours.predicate).toStrictEqual(theirs.params);
    expect(ours.predicate).toMatchObject({
      buildDefinition: {
        buildType: 'https://actions.github.io/buildtypes/workflow/v1',
      },
      runDetails: { builder: { id: IDENTITY } },
    });
  });

  it('names the OCI manifest digest by its registry repository and is signed keyless as a DSSE bundle', () => {
    const envelope = attested.bundle.dsseEnvelope as {
      payloadType: string;
      payload: string;
    };
    expect(attested.bundle.mediaType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
    expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as { subject: unknown; predicateType: string };
    expect(statement.subject).toEqual([
      {
        name: `${world.registry.host}/${chart.repository}`,
        digest: { sha256: chart.digest.slice(7) },
      },
    ]);
    expect(statement.predicateType).toBe('https://slsa.dev/provenance/v1');
    expect(attested.certificateIdentity).toBe(IDENTITY);
  });

  it('is attached as a referrer as cosign and push-to-registry attach it, listed in the fallback index', async () => {
    const index = (await skopeoRawManifest(`${world.registry.host}/${chart.repository}:${chart.digest.replace(':', '-')}`)) as {
      manifests: Record<string, unknown>[];
    };
    expect(index.manifests).toContainEqual(
      expect.objectContaining({
        digest: attested.referrerDigest,
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        annotations: expect.objectContaining({
          'dev.sigstore.bundle.content': 'dsse-envelope',
          'dev.sigstore.bundle.predicateType': 'https://slsa.dev/provenance/v1',
        }),
      }),
    );
    const referrer = (await skopeoRawManifest(`${world.registry.host}/${chart.repository}@${attested.referrerDigest}`)) as Record<string, unknown>;
    expect(referrer).toMatchObject({
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      subject: { digest: chart.digest },
      config: { mediaType: 'application/vnd.oci.empty.v1+json' },
    });
  });
});

describe('verify-attestation', () => {
  const verify = (extra: Partial<Parameters<typeof verifyAttestation>[0]> = {}) =>
    verifyAttestation({
      registryClient: world.client,
      repository: chart.repository,
      digest: chart.digest,
      predicateType: 'slsaprovenance1',
      policy: policy(),
      sourceRepository: `https://github.com/${REPO}`,
      trustedRootPath: world.stack.trustedRootPath,
      ...extra,
    });

  it('finds the provenance among the referrers and verifies type, identity, issuer and source repository', async () => {
    const result = await verify();
    expect(result).toMatchObject({
      verified: true,
      predicateType: 'https://slsa.dev/provenance/v1',
      certificateIdentity: IDENTITY,
      certificateClaims: { sourceRepositoryUri: `https://github.com/${REPO}` },
    });
  });

  it('refuses an attestation from another repository or another workflow', async () => {
    const foreign = await attest(
      tokenFor('https://github.com/evil/charts/.github/workflows/release.yml@refs/heads/main', {
        repository: 'evil/charts',
        workflow_ref: 'evil/charts/.github/workflows/release.yml@refs/heads/main',
      }),
    );
    await expect(verify({ bundles: [{ bundle: foreign.bundle, source: 'foreign' }] })).rejects.toMatchObject({ code: 'UNTRUSTED_SIGNER' });
    await expect(
      verify({
        bundles: [{ bundle: foreign.bundle, source: 'foreign' }],
        policy: {
          certificateIdentityRegexp: '^https://github.com/evil/',
          issuer: world.stack.oidc.issuer,
        },
      }),
    ).rejects.toMatchObject({
      code: 'UNTRUSTED_SIGNER',
      details: { reasons: ['source-repository'] },
    });
    const otherWorkflow = `https://github.com/${REPO}/.github/workflows/other.yml@refs/heads/release`;
    const sideways = await attest(
      tokenFor(otherWorkflow, {
        workflow_ref: `${REPO}/.github/workflows/other.yml@refs/heads/release`,
      }),
    );
    await expect(
      verify({
        bundles: [{ bundle: sideways.bundle, source: 'other workflow' }],
      }),
    ).rejects.toMatchObject({
      code: 'UNTRUSTED_SIGNER',
      details: { reasons: ['identity'] },
    });
  });

  it('refuses an attestation for another digest, one of another predicate type, and a tampered one', async () => {
    const elsewhere = await attest(tokenFor(IDENTITY), other);
    await expect(
      verify({
        bundles: [{ bundle: elsewhere.bundle, source: 'other digest' }],
      }),
    ).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      details: { reasons: ['subject'] },
    });
    await expect(verify({ predicateType: 'spdxjson' })).rejects.toMatchObject({
      code: 'ATTESTATION_NOT_FOUND',
    });
    const envelope = attested.bundle.dsseEnvelope as { payload: string };
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as { predicate: { runDetails: { builder: { id: string } } } };
    statement.predicate.runDetails.builder.id = 'https://github.com/evil/charts/.github/workflows/x.yml@refs/heads/main';
    const tampered = {
      ...attested.bundle,
      dsseEnvelope: {
        ...envelope,
        payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
      },
    };
    await expect(verify({ bundles: [{ bundle: tampered, source: 'tampered' }] })).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
      details: { reasons: ['signature'] },
    });
  });

  it('refuses a token without the workflow claims before anything is signed', async () => {
    await expect(
      provenanceStatementFor({
        subjectName: 'x',
        digest: chart.digest,
        identityToken: world.stack.oidc.mintToken({ sub: IDENTITY }),
      }),
    ).rejects.toMatchObject({
      code: 'PROVENANCE_UNAVAILABLE',
      message: expect.stringContaining('job_workflow_ref'),
    });
  });
});
