import { X509Certificate } from '@sigstore/core';

const OID_FULCIO_ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const OID_FULCIO_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
// https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md
const CERTIFICATE_CLAIM_OIDS = {
  buildSignerUri: '1.3.6.1.4.1.57264.1.9',
  runnerEnvironment: '1.3.6.1.4.1.57264.1.11',
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
  sourceRepositoryOwnerUri: '1.3.6.1.4.1.57264.1.16',
  buildConfigUri: '1.3.6.1.4.1.57264.1.18',
  runInvocationUri: '1.3.6.1.4.1.57264.1.21',
} as const;

/** The Fulcio certificate extensions about the build (GitHub Actions: repository, workflow, commit, run). */
export type CertificateClaims = Partial<Record<keyof typeof CERTIFICATE_CLAIM_OIDS, string>>;

/** Facts about a signed bundle worth reporting: the certificate's identity and issuer, the Rekor log index. */
export interface BundleFacts {
  certificateIdentity?: string;
  issuer?: string;
  /** The certificate's build extensions (keyless). */
  certificateClaims?: CertificateClaims;
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
    // one pass over the extensions: @sigstore/core's extension() decodes every extension's OID on each lookup
    const extensions = new Map<string, (typeof cert.extensions)[number]>();
    for (const ext of cert.extensions) {
      const oid = ext.subs[0]!.toOID();
      if (!extensions.has(oid)) extensions.set(oid, ext);
    }
    // extnValue is the extension's last element; its content parsed as DER, when it is DER
    const extnValue = (oid: string) => extensions.get(oid)?.subs.at(-1);
    const issuer = extensions.has(OID_FULCIO_ISSUER_V2)
      ? extnValue(OID_FULCIO_ISSUER_V2)?.subs[0]?.value.toString('ascii')
      : extnValue(OID_FULCIO_ISSUER_V1)?.value.toString('ascii');
    if (issuer) facts.issuer = issuer;
    const claims: CertificateClaims = {};
    for (const [name, oid] of Object.entries(CERTIFICATE_CLAIM_OIDS) as [keyof CertificateClaims, string][]) {
      const value = extnValue(oid)?.subs[0]?.value.toString('utf8');
      if (value) claims[name] = value;
    }
    if (Object.keys(claims).length) facts.certificateClaims = claims;
  }
  const index = b.verificationMaterial?.tlogEntries?.[0]?.logIndex;
  if (index !== undefined) facts.rekorLogIndex = Number(index);
  if (b.messageSignature?.signature) facts.signature = b.messageSignature.signature;
  return facts;
}
