import { createHash, X509Certificate } from 'node:crypto';
import type { OciDescriptor, OciManifest } from './registry.ts';
import { OCI_MANIFEST_MEDIA_TYPE } from './referrer.ts';
import { splitDigest } from './statement.ts';

// cosign v2's signature layout (what `cosign sign` without --new-bundle-format writes, and what cosign v2's default
// `verify` and Flux before 2.8 read): an image at tag `sha256-<hex>.sig` whose layers are simple-signing payloads,
// each with its signature, certificate, chain and Rekor bundle as layer annotations
// (sigstore/cosign pkg/oci/static, pkg/cosign/bundle/rekor.go; sigstore/sigstore pkg/signature/payload).
export const SIMPLE_SIGNING_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const OCI_CONFIG_MEDIA_TYPE = 'application/vnd.oci.image.config.v1+json';
export const ANNOTATION_SIGNATURE = 'dev.cosignproject.cosign/signature';
export const ANNOTATION_REKOR_BUNDLE = 'dev.sigstore.cosign/bundle';
export const ANNOTATION_CERTIFICATE = 'dev.sigstore.cosign/certificate';
export const ANNOTATION_CHAIN = 'dev.sigstore.cosign/chain';
export const SIMPLE_SIGNING_TYPE = 'cosign container image signature';

/** The `sha256-<hex>.sig` tag cosign v2 stores the signatures of `digest` under. */
export function legacySignatureTag(digest: string): string {
  const [algorithm, hex] = splitDigest(digest);
  return `${algorithm}-${hex}.sig`;
}

/** The simple-signing payload cosign v2 signs: the repository (`host/path`) and the manifest digest. */
export function simpleSigningPayload(dockerReference: string, digest: string): Buffer {
  splitDigest(digest);
  return Buffer.from(
    JSON.stringify({
      critical: {
        identity: { 'docker-reference': dockerReference },
        image: { 'docker-manifest-digest': digest },
        type: SIMPLE_SIGNING_TYPE,
      },
      optional: null,
    }),
  );
}

/** Why a simple-signing payload does not name `digest`, or undefined when it does. */
export function simpleSigningMismatch(payload: Buffer, digest: string): string | undefined {
  let parsed: {
    critical?: { image?: { 'docker-manifest-digest'?: string }; type?: string };
  };
  try {
    parsed = JSON.parse(payload.toString('utf8')) as typeof parsed;
  } catch {
    return 'the simple-signing payload is not JSON';
  }
  if (parsed?.critical?.type !== SIMPLE_SIGNING_TYPE) return `the payload is not a cosign container image signature (type ${String(parsed?.critical?.type)})`;
  const signed = parsed.critical.image?.['docker-manifest-digest'];
  return signed === digest ? undefined : `the signature names ${signed ?? 'no digest'}, not ${digest}`;
}

interface SerializedTlogEntry {
  logIndex: string;
  logId: { keyId: string };
  kindVersion: { kind: string; version: string };
  integratedTime: string;
  inclusionPromise?: { signedEntryTimestamp: string };
  canonicalizedBody: string;
}

interface SerializedMessageBundle {
  verificationMaterial: {
    certificate?: { rawBytes: string };
    x509CertificateChain?: { certificates: { rawBytes: string }[] };
    publicKey?: { hint?: string };
    tlogEntries?: SerializedTlogEntry[];
  };
  messageSignature: {
    messageDigest: { algorithm: string; digest: string };
    signature: string;
  };
}

/** cosign's `dev.sigstore.cosign/bundle`: the Rekor entry's signed entry timestamp and payload. */
export function rekorBundleAnnotation(entry: SerializedTlogEntry): string {
  if (!entry.inclusionPromise) throw new Error('the transparency log entry has no signed entry timestamp');
  return JSON.stringify({
    SignedEntryTimestamp: entry.inclusionPromise.signedEntryTimestamp,
    Payload: {
      body: entry.canonicalizedBody,
      integratedTime: Number(entry.integratedTime),
      logIndex: Number(entry.logIndex),
      logID: Buffer.from(entry.logId.keyId, 'base64').toString('hex'),
    },
  });
}

/** The annotations of one signature layer, from a message-signature bundle over the payload (and the CA chain PEMs). */
export function legacyLayerAnnotations(bundle: Record<string, unknown>, chainPem?: string): Record<string, string> {
  const b = bundle as unknown as SerializedMessageBundle;
  const leaf = b.verificationMaterial.certificate?.rawBytes ?? b.verificationMaterial.x509CertificateChain?.certificates[0]?.rawBytes;
  const entry = b.verificationMaterial.tlogEntries?.[0];
  const annotations: Record<string, string> = {
    [ANNOTATION_SIGNATURE]: b.messageSignature.signature,
  };
  if (entry) annotations[ANNOTATION_REKOR_BUNDLE] = rekorBundleAnnotation(entry);
  if (leaf) annotations[ANNOTATION_CERTIFICATE] = new X509Certificate(Buffer.from(leaf, 'base64')).toString();
  if (leaf && chainPem) annotations[ANNOTATION_CHAIN] = chainPem;
  return annotations;
}

/** The layer as a Sigstore bundle v0.1 (message signature + Rekor promise), which @sigstore/verify checks. */
export function legacyLayerToBundle(payload: Buffer, annotations: Record<string, string>, keyHint?: string): Record<string, unknown> {
  const material: Record<string, unknown> = {
    tlogEntries: [],
    timestampVerificationData: { rfc3161Timestamps: [] },
  };
  const certificate = annotations[ANNOTATION_CERTIFICATE];
  if (certificate)
    material.x509CertificateChain = {
      certificates: [{ rawBytes: new X509Certificate(certificate).raw.toString('base64') }],
    };
  else material.publicKey = { hint: keyHint ?? '' };
  const rekor = annotations[ANNOTATION_REKOR_BUNDLE];
  if (rekor) {
    const parsed = JSON.parse(rekor) as {
      SignedEntryTimestamp: string;
      Payload: {
        body: string;
        integratedTime: number;
        logIndex: number;
        logID: string;
      };
    };
    const body = JSON.parse(Buffer.from(parsed.Payload.body, 'base64').toString('utf8')) as { kind?: string; apiVersion?: string };
    material.tlogEntries = [
      {
        logIndex: String(parsed.Payload.logIndex),
        logId: {
          keyId: Buffer.from(parsed.Payload.logID, 'hex').toString('base64'),
        },
        kindVersion: {
          kind: body.kind ?? 'hashedrekord',
          version: body.apiVersion ?? '0.0.1',
        },
        integratedTime: String(parsed.Payload.integratedTime),
        inclusionPromise: { signedEntryTimestamp: parsed.SignedEntryTimestamp },
        canonicalizedBody: parsed.Payload.body,
      },
    ];
  }
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1',
    verificationMaterial: material,
    messageSignature: {
      messageDigest: {
        algorithm: 'SHA2_256',
        digest: createHash('sha256').update(payload).digest('base64'),
      },
      signature: annotations[ANNOTATION_SIGNATURE] ?? '',
    },
  };
}

/**
 * The `.sig` image for these layers, as go-containerregistry serializes it: an OCI manifest and the image config
 * whose `rootfs.diff_ids` are the (uncompressed) payload digests.
 */
export function buildLegacySignatureImage(layers: OciDescriptor[]): {
  config: Buffer;
  manifest: OciManifest;
} {
  const zero = '0001-01-01T00:00:00Z';
  const config = Buffer.from(
    JSON.stringify({
      architecture: '',
      created: zero,
      history: layers.map(() => ({ created: zero })),
      os: '',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
      config: {},
    }),
  );
  const configDigest = `sha256:${createHash('sha256').update(config).digest('hex')}`;
  return {
    config,
    manifest: {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST_MEDIA_TYPE,
      config: {
        mediaType: OCI_CONFIG_MEDIA_TYPE,
        size: config.length,
        digest: configDigest,
      } as OciDescriptor,
      layers: layers.map(
        (l) =>
          ({
            mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
            size: l.size,
            digest: l.digest,
            annotations: l.annotations,
          }) as OciDescriptor,
      ),
    },
  };
}
