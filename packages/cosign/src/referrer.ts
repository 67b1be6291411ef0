import { createHash } from 'node:crypto';
import { ReleaseError } from '@chart-release/core';
import type { OciDescriptor, OciManifest, SignatureRegistry } from './registry.ts';

// https://github.com/sigstore/cosign/blob/main/specs/BUNDLE_SPEC.md
export const BUNDLE_V03_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
export const OCI_MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';
export const OCI_EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
export const EMPTY_JSON = Buffer.from('{}');
export const EMPTY_JSON_DIGEST = 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a';
export const ANNOTATION_BUNDLE_CONTENT = 'dev.sigstore.bundle.content';
export const ANNOTATION_BUNDLE_PREDICATE_TYPE = 'dev.sigstore.bundle.predicateType';
export const ANNOTATION_CREATED = 'org.opencontainers.image.created';

/** The `sha256-<hex>` tag that lists referrers on registries without the referrers API (OCI referrers tag schema). */
export function referrersFallbackTag(digest: string): string {
  return digest.replace(':', '-');
}

/** RFC 3339 in whole seconds, UTC, as cosign writes `org.opencontainers.image.created`. */
export function createdTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface ReferrerManifestInput {
  /** The bundle blob's digest and size. */
  bundle: { digest: string; size: number };
  /** The signed manifest (digest, media type, size as the registry reports them). */
  subject: { digest: string; mediaType: string; size: number };
  predicateType: string;
  created: Date;
}

/**
 * The referrer manifest cosign v3 pushes for a bundle: artifactType = bundle media type, the empty config (which
 * cosign also marks with the artifactType), one layer holding the bundle, `subject` = the signed manifest.
 */
export function buildReferrerManifest(input: ReferrerManifestInput): OciManifest {
  return {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST_MEDIA_TYPE,
    config: { mediaType: OCI_EMPTY_MEDIA_TYPE, artifactType: BUNDLE_V03_MEDIA_TYPE, digest: EMPTY_JSON_DIGEST, size: EMPTY_JSON.length },
    layers: [{ mediaType: BUNDLE_V03_MEDIA_TYPE, digest: input.bundle.digest, size: input.bundle.size }],
    annotations: {
      [ANNOTATION_BUNDLE_CONTENT]: 'dsse-envelope',
      [ANNOTATION_BUNDLE_PREDICATE_TYPE]: input.predicateType,
      [ANNOTATION_CREATED]: createdTimestamp(input.created),
    },
    subject: { mediaType: input.subject.mediaType, digest: input.subject.digest, size: input.subject.size },
    artifactType: BUNDLE_V03_MEDIA_TYPE,
  };
}

/**
 * Adds `entry` to a referrers fallback index (creating it when absent), keeping every existing entry, without
 * duplicates, sorted by digest as go-containerregistry does. `changed` is false when the entry was already there.
 */
export function mergeReferrersIndex(existing: OciManifest | undefined, entry: OciDescriptor): { index: OciManifest; changed: boolean } {
  const manifests = [...(existing?.manifests ?? [])];
  if (manifests.some((m) => m.digest === entry.digest)) return { index: existing!, changed: false };
  manifests.push(entry);
  manifests.sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  return { index: { schemaVersion: 2, mediaType: OCI_INDEX_MEDIA_TYPE, ...existing, manifests }, changed: true };
}

export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

export interface AttachedReferrer {
  referrerDigest: string;
  referrerRef: string;
}

/**
 * Pushes `bundleJson` as a referrer of `repository@digest` and, when the registry has no referrers API, records it
 * in the fallback index (manifest first: registries refuse an index naming a manifest they do not hold).
 * Idempotent and deterministic: the same bundle gives the same referrer manifest (its `created` annotation is the
 * bundle's transparency log time), so attaching a kept bundle again after a crash between the two writes lists the
 * manifest the crash left unlisted instead of leaving it orphaned.
 */
export async function attachBundle(
  registry: SignatureRegistry,
  repository: string,
  digest: string,
  bundleJson: string,
  predicateType: string,
  created = bundleTime(bundleJson),
): Promise<AttachedReferrer> {
  const subject = await registry.checkManifest(repository, digest);
  if (!subject) {
    throw new ReleaseError('SIGNING_FAILED', `${registry.registry}/${repository}@${digest} does not exist, so there is nothing to attach a signature to.`, {
      hint: 'push the chart first and sign the digest the push reported',
    });
  }
  await registry.uploadBlob(repository, EMPTY_JSON);
  const bundleBytes = Buffer.from(bundleJson);
  const bundleBlob = await registry.uploadBlob(repository, bundleBytes);
  const manifest = buildReferrerManifest({ bundle: bundleBlob, subject: { ...subject, digest }, predicateType, created });
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const referrerDigest = sha256Digest(manifestBytes);
  await registry.putManifest(repository, referrerDigest, manifestBytes, OCI_MANIFEST_MEDIA_TYPE);

  const entry: OciDescriptor = {
    mediaType: OCI_MANIFEST_MEDIA_TYPE,
    digest: referrerDigest,
    size: manifestBytes.length,
    artifactType: BUNDLE_V03_MEDIA_TYPE,
    annotations: manifest.annotations,
  };
  await recordReferrer(registry, repository, digest, entry);
  return { referrerDigest, referrerRef: `${registry.registry}/${repository}@${referrerDigest}` };
}

/** When the bundle was logged (its first transparency log entry), else now. */
export function bundleTime(bundleJson: string): Date {
  try {
    const seconds = Number(
      (JSON.parse(bundleJson) as { verificationMaterial?: { tlogEntries?: { integratedTime?: string }[] } }).verificationMaterial?.tlogEntries?.[0]
        ?.integratedTime,
    );
    if (Number.isFinite(seconds) && seconds > 0) return new Date(seconds * 1000);
  } catch {
    // not JSON: attachBundle attaches the bytes anyway, stamped now
  }
  return new Date();
}

// A registry with the referrers API lists the new manifest itself; otherwise read-merge-write the fallback index
// and read it back, so a concurrent writer that replaced the index is noticed and merged again.
async function recordReferrer(registry: SignatureRegistry, repository: string, digest: string, entry: OciDescriptor): Promise<void> {
  const tag = referrersFallbackTag(digest);
  for (let attempt = 1; attempt <= 3; attempt++) {
    const listed = await registry.referrers(repository, digest);
    if (listed.manifests.some((m) => m.digest === entry.digest)) return;
    if (listed.via === 'api') return;
    const existing = (await registry.checkManifest(repository, tag)) ? (await registry.getManifest(repository, tag)).manifest : undefined;
    if (existing && existing.mediaType !== OCI_INDEX_MEDIA_TYPE) {
      throw new ReleaseError(
        'SIGNING_FAILED',
        `${registry.registry}/${repository}:${tag} exists but is not an OCI image index (${existing.mediaType ?? 'no mediaType'}).`,
        { hint: `the referrers fallback tag is reserved for the index of referrers of ${digest}; remove whatever was pushed under it` },
      );
    }
    const { index, changed } = mergeReferrersIndex(existing, entry);
    if (changed) await registry.putManifest(repository, tag, Buffer.from(JSON.stringify(index)), OCI_INDEX_MEDIA_TYPE);
  }
  const final = await registry.referrers(repository, digest);
  if (!final.manifests.some((m) => m.digest === entry.digest)) {
    throw new ReleaseError(
      'SIGNING_FAILED',
      `the referrers index ${registry.registry}/${repository}:${tag} kept losing the new signature to concurrent writers.`,
      { hint: 'run the signing step again; it keeps every existing entry' },
    );
  }
}

/** A Sigstore bundle found among the referrers of a manifest. */
export interface FoundBundle {
  referrerDigest: string;
  bundle: Record<string, unknown>;
  /** The `dev.sigstore.bundle.predicateType` annotation of the referrer, when it has one. */
  predicateType?: string;
}

/**
 * Reads every Sigstore bundle v0.3 that refers to `repository@digest`; with `predicateType`, only those annotated
 * with it (or not annotated at all: the statement inside decides then).
 */
export async function findBundles(registry: SignatureRegistry, repository: string, digest: string, predicateType?: string): Promise<FoundBundle[]> {
  const { manifests } = await registry.referrers(repository, digest);
  const found: FoundBundle[] = [];
  for (const descriptor of manifests) {
    if (descriptor.artifactType !== BUNDLE_V03_MEDIA_TYPE) continue;
    // a fallback index can list a manifest deleted since; one stale entry must not hide the others
    const manifest = await registry.getManifest(repository, descriptor.digest).then(
      (m) => m.manifest,
      (error: unknown) => {
        if ((error as { code?: string }).code === 'MANIFEST_NOT_FOUND') return undefined;
        throw error;
      },
    );
    if (!manifest) continue;
    const annotated = manifest.annotations?.[ANNOTATION_BUNDLE_PREDICATE_TYPE];
    if (predicateType !== undefined && annotated !== undefined && annotated !== predicateType) continue;
    // a fallback index is a plain tag anyone with push rights can edit: trust only manifests that name this subject
    if (manifest.subject?.digest !== digest) continue;
    const layer = manifest.layers?.find((l) => l.mediaType === BUNDLE_V03_MEDIA_TYPE);
    if (!layer) continue;
    const bytes = await registry.getBlob(repository, layer.digest);
    try {
      found.push({
        referrerDigest: descriptor.digest,
        bundle: JSON.parse(bytes.toString('utf8')) as Record<string, unknown>,
        ...(annotated ? { predicateType: annotated } : {}),
      });
    } catch {
      // not JSON: not a bundle we can verify; verification reports "no signature" if nothing else is found
    }
  }
  return found;
}
