import { bundleToJSON, toMessageSignatureBundle, type Bundle } from '@sigstore/bundle';
import type { Artifact, Signature, Signer as SigstoreKeySigner, Witness } from '@sigstore/sign';
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

type SigstoreSign = typeof import('@sigstore/sign');
let loading: Promise<SigstoreSign> | undefined;
// @sigstore/sign (with its HTTP stack) loads on the first signature, not with every command that imports this package
const sigstoreSign = () => (loading ??= import('@sigstore/sign'));

/** A Sigstore bundle v0.3 with a DSSE envelope of `statement` (the digest signature format of cosign v3). */
export async function createDsseBundle(config: BundleBuilderConfig, statement: Buffer): Promise<Record<string, unknown>> {
  const sign = await sigstoreSign();
  const builder = new sign.DSSEBundleBuilder({ signer: sigstoreSigner(sign, config.signer), witnesses: witnesses(sign, config), certificateChain: false });
  return serialize(await builder.create({ data: statement, type: IN_TOTO_PAYLOAD_TYPE }));
}

/** A Sigstore bundle v0.3 with a message signature over `data` (what `cosign sign-blob --bundle` writes). */
export async function createMessageBundle(config: BundleBuilderConfig, data: Buffer): Promise<Record<string, unknown>> {
  const sign = await sigstoreSign();
  const Builder = messageBuilderV03(sign);
  const builder = new Builder({ signer: sigstoreSigner(sign, config.signer), witnesses: witnesses(sign, config) });
  return serialize(await builder.create({ data }));
}

let V03: ReturnType<typeof defineMessageBuilderV03> | undefined;
const messageBuilderV03 = (sign: SigstoreSign) => (V03 ??= defineMessageBuilderV03(sign));

// @sigstore/sign 5 packages message signatures with a certificate chain (bundle v0.2); cosign v3 writes v0.3 with
// the leaf certificate alone, so package them the same way.
function defineMessageBuilderV03(sign: SigstoreSign) {
  return class MessageSignatureV03BundleBuilder extends sign.MessageSignatureBundleBuilder {
    protected override async package(artifact: Artifact, signature: Signature) {
      return toMessageSignatureBundle({
        digest: createHash('sha256').update(artifact.data).digest(),
        signature: signature.signature,
        certificate: signature.key.$case === 'x509Certificate' ? pemToDer(signature.key.certificate) : undefined,
        keyHint: signature.key.$case === 'publicKey' ? signature.key.hint : undefined,
        certificateChain: false,
      });
    }
  };
}

function sigstoreSigner({ FulcioSigner }: SigstoreSign, signer: BundleSigner): SigstoreKeySigner {
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

function witnesses({ RekorWitness, TSAWitness }: SigstoreSign, config: BundleBuilderConfig): Witness[] {
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
