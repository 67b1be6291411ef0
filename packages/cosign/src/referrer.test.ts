import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { buildReferrerManifest, createdTimestamp, EMPTY_JSON, EMPTY_JSON_DIGEST, mergeReferrersIndex, referrersFallbackTag } from './referrer.ts';

const SUBJECT = { digest: `sha256:${'1'.repeat(64)}`, mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 740 };

describe('referrer manifest', () => {
  it('has the shape cosign v3 pushes for a bundle', () => {
    const manifest = buildReferrerManifest({
      bundle: { digest: `sha256:${'2'.repeat(64)}`, size: 4971 },
      subject: SUBJECT,
      predicateType: 'https://sigstore.dev/cosign/sign/v1',
      created: new Date('2026-03-08T18:18:20.406Z'),
    });
    expect(manifest).toEqual({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      config: {
        mediaType: 'application/vnd.oci.empty.v1+json',
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        digest: EMPTY_JSON_DIGEST,
        size: 2,
      },
      layers: [{ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json', digest: `sha256:${'2'.repeat(64)}`, size: 4971 }],
      annotations: {
        'dev.sigstore.bundle.content': 'dsse-envelope',
        'dev.sigstore.bundle.predicateType': 'https://sigstore.dev/cosign/sign/v1',
        'org.opencontainers.image.created': '2026-03-08T18:18:20Z',
      },
      subject: SUBJECT,
    });
  });

  it('uses the digest of the empty JSON object for the config', () => {
    expect(`sha256:${createHash('sha256').update(EMPTY_JSON).digest('hex')}`).toBe(EMPTY_JSON_DIGEST);
  });

  it('writes creation times in whole seconds', () => {
    expect(createdTimestamp(new Date('2026-01-02T03:04:05.999Z'))).toBe('2026-01-02T03:04:05Z');
  });
});

describe('referrers fallback index', () => {
  const entry = (n: string) => ({
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    digest: `sha256:${n.repeat(64)}`,
    size: 700,
    artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
  });

  it('tags the index after the subject digest', () => {
    expect(referrersFallbackTag(SUBJECT.digest)).toBe(`sha256-${'1'.repeat(64)}`);
  });

  it('creates an OCI index when there is none', () => {
    expect(mergeReferrersIndex(undefined, entry('a'))).toEqual({
      changed: true,
      index: { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [entry('a')] },
    });
  });

  it("keeps every existing entry (including other tools' referrers) and sorts by digest", () => {
    const sbom = { ...entry('f'), artifactType: 'application/spdx+json', annotations: { x: 'y' } };
    const existing = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [sbom, entry('c')], annotations: { keep: 'me' } };
    const { index, changed } = mergeReferrersIndex(existing, entry('b'));
    expect(changed).toBe(true);
    expect(index.manifests?.map((m) => m.digest)).toEqual([entry('b').digest, entry('c').digest, sbom.digest]);
    expect(index.manifests).toContainEqual(sbom);
    expect(index.annotations).toEqual({ keep: 'me' });
  });

  it('does not add the same referrer twice', () => {
    const existing = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [entry('a')] };
    expect(mergeReferrersIndex(existing, entry('a'))).toEqual({ changed: false, index: existing });
  });
});
