import { X509Certificate } from '@sigstore/core';

const OID_FULCIO_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_FULCIO_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

/** Facts about a signed bundle worth reporting: the certificate's identity and issuer, the Rekor log index. */
export interface BundleFacts {
  certificateIdentity?: string;
  issuer?: string;
  rekorLogIndex?: number;
  /** base64 signature (message signature bundles). */
  signature?: string;
}

interface SerializedBundleShape {
  verificationMaterial?: {
    certificate?: { rawBytes?: string };
    x509CertificateChain?: { certificates?: { rawBytes?: string }[] };
    tlogEntries?: { logIndex?: string }[];
  };
  messageSignature?: { signature?: string };
}

/** Reads identity, issuer and log index out of a serialized bundle (JSON), without verifying anything. */
export function bundleFacts(bundle: Record<string, unknown>): BundleFacts {
  const b = bundle as SerializedBundleShape;
  const raw = b.verificationMaterial?.certificate?.rawBytes ?? b.verificationMaterial?.x509CertificateChain?.certificates?.[0]?.rawBytes;
  const facts: BundleFacts = {};
  if (raw) {
    const cert = X509Certificate.parse(Buffer.from(raw, 'base64'));
    if (cert.subjectAltName) facts.certificateIdentity = cert.subjectAltName;
    const v2 = cert.extension(OID_FULCIO_ISSUER_V2);
    const issuer = v2 ? v2.valueObj.subs?.[0]?.value.toString('ascii') : cert.extension(OID_FULCIO_ISSUER_V1)?.value.toString('ascii');
    if (issuer) facts.issuer = issuer;
  }
  const index = b.verificationMaterial?.tlogEntries?.[0]?.logIndex;
  if (index !== undefined) facts.rekorLogIndex = Number(index);
  if (b.messageSignature?.signature) facts.signature = b.messageSignature.signature;
  return facts;
}
