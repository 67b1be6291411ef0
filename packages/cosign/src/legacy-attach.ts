import { X509Certificate } from 'node:crypto';
import { ReleaseError } from '@chart-release/core';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { ANNOTATION_SIGNATURE, buildLegacySignatureImage, legacyLayerAnnotations, legacySignatureTag, SIMPLE_SIGNING_MEDIA_TYPE } from './legacy-signature.ts';
import { OCI_MANIFEST_MEDIA_TYPE, sha256Digest } from './referrer.ts';
import type { OciDescriptor, SignatureRegistry } from './registry.ts';

/** A cosign v2 signature found at the `.sig` tag: the payload bytes and the layer's annotations. */
export interface LegacySignature {
  payload: Buffer;
  annotations: Record<string, string>;
}

/**
 * Adds a cosign v2 signature layer (the payload, signed by `bundle`, a message-signature bundle over it) to the
 * `sha256-<hex>.sig` image of `digest`, keeping the layers already there, as cosign v2 appends. The blobs go first
 * and the tag last, in one manifest write, so a crash leaves no half-written signature behind. Idempotent: a layer
 * with the same payload and signature is not added twice. Returns the tag and the digest of the image.
 */
export async function attachLegacySignature(
  registry: SignatureRegistry,
  repository: string,
  digest: string,
  payload: Buffer,
  bundle: Record<string, unknown>,
  chainPem?: string,
): Promise<{ tag: string; manifestDigest: string }> {
  const tag = legacySignatureTag(digest);
  const annotations = legacyLayerAnnotations(bundle, chainPem);
  const existing = await readLegacyLayers(registry, repository, tag);
  const payloadBlob = await registry.uploadBlob(repository, payload);
  const duplicate = existing.some((l) => l.digest === payloadBlob.digest && l.annotations?.[ANNOTATION_SIGNATURE] === annotations[ANNOTATION_SIGNATURE]);
  const layers = duplicate
    ? existing
    : [
        ...existing,
        {
          mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
          digest: payloadBlob.digest,
          size: payloadBlob.size,
          annotations,
        },
      ];
  const { config, manifest } = buildLegacySignatureImage(layers);
  await registry.uploadBlob(repository, config);
  const bytes = Buffer.from(JSON.stringify(manifest));
  await registry.putManifest(repository, tag, bytes, OCI_MANIFEST_MEDIA_TYPE);
  return { tag, manifestDigest: sha256Digest(bytes) };
}

/** Every cosign v2 signature layer at the `.sig` tag of `digest` (none when the tag does not exist). */
export async function findLegacySignatures(registry: SignatureRegistry, repository: string, digest: string): Promise<LegacySignature[]> {
  const layers = await readLegacyLayers(registry, repository, legacySignatureTag(digest));
  const found: LegacySignature[] = [];
  for (const layer of layers) {
    if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE || !layer.annotations?.[ANNOTATION_SIGNATURE]) continue;
    found.push({
      payload: await registry.getBlob(repository, layer.digest),
      annotations: layer.annotations,
    });
  }
  return found;
}

async function readLegacyLayers(registry: SignatureRegistry, repository: string, tag: string): Promise<OciDescriptor[]> {
  if (!(await registry.checkManifest(repository, tag))) return [];
  const { manifest } = await registry.getManifest(repository, tag);
  if (
    manifest.mediaType !== undefined &&
    manifest.mediaType !== OCI_MANIFEST_MEDIA_TYPE &&
    manifest.mediaType !== 'application/vnd.docker.distribution.manifest.v2+json'
  ) {
    throw new ReleaseError('SIGNING_FAILED', `${registry.registry}/${repository}:${tag} exists but is not an image manifest (${manifest.mediaType}).`, {
      hint: 'the .sig tag is reserved for cosign signatures of the digest it names; remove whatever was pushed under it',
    });
  }
  return manifest.layers ?? [];
}

/**
 * The PEM chain (intermediates and root) of the certificate authority in `root` that issued `leafPem`, as cosign v2
 * puts it in `dev.sigstore.cosign/chain`; undefined when no authority in the root issued it.
 */
export function issuerChainPem(leafPem: string, root: TrustedRoot): string | undefined {
  const leaf = new X509Certificate(leafPem);
  for (const ca of root.certificateAuthorities) {
    const chain = (ca.certChain?.certificates ?? []).map((c) => new X509Certificate(Buffer.from(c.rawBytes)));
    if (chain[0] && leaf.checkIssued(chain[0]) && leaf.verify(chain[0].publicKey)) return chain.map((c) => c.toString()).join('');
  }
  return undefined;
}
