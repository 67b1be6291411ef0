import { bundleToJSON, toMessageSignatureBundle, type Bundle } from '@sigstore/bundle';
import {
  DSSEBundleBuilder,
  FulcioSigner,
  MessageSignatureBundleBuilder,
  RekorWitness,
  TSAWitness,
  type Artifact,
  type Signature,
  type Signer as SigstoreKeySigner,
  type Witness,
} from '@sigstore/sign';
import { createHash } from 'node:crypto';
import { signWithKey, type SigningKey } from './signing-key.ts';
import { IN_TOTO_PAYLOAD_TYPE } from './statement.ts';

export const PUBLIC_FULCIO_URL = 'https://fulcio.sigstore.dev';
export const PUBLIC_REKOR_URL = 'https://rekor.sigstore.dev';

/** Who signs: a Fulcio certificate for an OIDC identity, or a long-lived key. */
export type BundleSigner = { kind: 'keyless'; identityToken: string; fulcioUrl?: string } | { kind: 'key'; key: SigningKey };

export interface BundleBuilderConfig {
  signer: BundleSigner;
  /** Rekor to log in; undefined means no transparency log (key mode with tlog upload off). */
  rekorUrl?: string;
  tsaUrl?: string;
}

/** A Sigstore bundle v0.3 with a DSSE envelope of `statement` (the digest signature format of cosign v3). */
export async function createDsseBundle(config: BundleBuilderConfig, statement: Buffer): Promise<Record<string, unknown>> {
  const builder = new DSSEBundleBuilder({ signer: sigstoreSigner(config.signer), witnesses: witnesses(config), certificateChain: false });
  return serialize(await builder.create({ data: statement, type: IN_TOTO_PAYLOAD_TYPE }));
}

/** A Sigstore bundle v0.3 with a message signature over `data` (what `cosign sign-blob --bundle` writes). */
export async function createMessageBundle(config: BundleBuilderConfig, data: Buffer): Promise<Record<string, unknown>> {
  const builder = new MessageSignatureV03BundleBuilder({ signer: sigstoreSigner(config.signer), witnesses: witnesses(config) });
  return serialize(await builder.create({ data }));
}

// @sigstore/sign 5 packages message signatures with a certificate chain (bundle v0.2); cosign v3 writes v0.3 with
// the leaf certificate alone, so package them the same way.
class MessageSignatureV03BundleBuilder extends MessageSignatureBundleBuilder {
  protected override async package(artifact: Artifact, signature: Signature) {
    return toMessageSignatureBundle({
      digest: createHash('sha256').update(artifact.data).digest(),
      signature: signature.signature,
      certificate: signature.key.$case === 'x509Certificate' ? pemToDer(signature.key.certificate) : undefined,
      keyHint: signature.key.$case === 'publicKey' ? signature.key.hint : undefined,
      certificateChain: false,
    });
  }
}

function sigstoreSigner(signer: BundleSigner): SigstoreKeySigner {
  if (signer.kind === 'keyless') {
    return new FulcioSigner({
      fulcioBaseURL: signer.fulcioUrl ?? PUBLIC_FULCIO_URL,
      identityProvider: { getToken: async () => signer.identityToken },
      retry: 2,
      timeout: 30_000,
    });
  }
  const key = signer.key;
  return { sign: async (data) => ({ signature: signWithKey(key, data), key: { $case: 'publicKey', publicKey: key.publicKeyPem, hint: key.hint } }) };
}

function witnesses(config: BundleBuilderConfig): Witness[] {
  const list: Witness[] = [];
  // dsse entries, as cosign v3 (sigstore-go) writes them; hashedrekord for message signatures
  if (config.rekorUrl)
    list.push(new RekorWitness({ rekorBaseURL: config.rekorUrl, entryType: 'dsse', majorApiVersion: 1, fetchOnConflict: true, retry: 2, timeout: 30_000 }));
  if (config.tsaUrl) list.push(new TSAWitness({ tsaBaseURL: config.tsaUrl, retry: 2, timeout: 30_000 }));
  return list;
}

function serialize(bundle: Bundle): Record<string, unknown> {
  return bundleToJSON(bundle) as unknown as Record<string, unknown>;
}

function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}
