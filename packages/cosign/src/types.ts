import type { CertificateClaims } from './bundle-facts.ts';
import type { InTotoStatement } from './statement.ts';
import type { SignatureRegistry } from './registry.ts';

/** Which signing backend to use; `auto` picks the cosign CLI when it is on PATH, else sigstore-js. */
export type SigningMode = 'auto' | 'cosign' | 'sigstore' | 'key' | 'none';

/** Where digest signatures go: referrer bundles (cosign v3), the `.sig` tag (cosign v2, Flux < 2.8), or both. */
export type SignatureLayout = 'bundle' | 'legacy' | 'both';

/** How to sign; every URL defaults to the public Sigstore instance. */
export interface SigningConfig {
  mode: SigningMode;
  /** Digest signature layout (sigstore and key backends); `both` by default. The cosign backend writes cosign's own. */
  layout?: SignatureLayout;
  fulcioUrl?: string;
  rekorUrl?: string;
  /** RFC 3161 timestamp authority; optional. */
  tsaUrl?: string;
  /** A `trusted_root.json` for a private or test instance (cosign backend: `--trusted-root`). */
  trustedRootPath?: string;
  /** OIDC identity token; else `SIGSTORE_ID_TOKEN`, else the GitHub Actions OIDC endpoint (audience `sigstore`). */
  identityToken?: string;
  /** Key mode: path of an ECDSA P-256 private key (PKCS#8 or SEC1 PEM, or a cosign.key); else `CHART_RELEASE_SIGNING_KEY`. */
  keyPath?: string;
  /** Key mode: the PEM text itself. */
  keyPem?: string;
  /** Password of an encrypted key; else `CHART_RELEASE_SIGNING_KEY_PASSWORD`, else `COSIGN_PASSWORD`. */
  keyPassword?: string;
  /** Key mode: record the signature in Rekor (true by default, as cosign does). */
  tlogUpload?: boolean;
  /** The cosign binary for the cosign backend (`cosign` on PATH by default). */
  cosignBinary?: string;
  /**
   * Registry credentials for the cosign backend, handed to cosign in a temporary docker config (never on its command
   * line); without them cosign uses its own docker credential lookup.
   */
  registryCredentials?: { username: string; password: string };
  /** Chart name, for error messages. */
  chart?: string;
}

/** A signature attached to a manifest digest. */
export interface DigestSignature {
  /** The Sigstore bundle v0.3 (JSON) of the bundle layout, else the message-signature bundle of the `.sig` layer. */
  bundle: Record<string, unknown>;
  /** Digest of the referrer manifest holding the bundle (bundle layout). */
  referrerDigest?: string;
  /** `registry/repository@sha256:...` of the referrer manifest (bundle layout). */
  referrerRef?: string;
  /** `registry/repository:sha256-<hex>.sig` (legacy layout). */
  legacyRef?: string;
  /** Certificate SAN (keyless). */
  certificateIdentity?: string;
  /** OIDC issuer from the certificate (keyless). */
  issuer?: string;
  /** Rekor log index, when the signature was logged. */
  rekorLogIndex?: number;
}

/** Files written next to a signed `.tgz`. */
export interface BlobSignature {
  /** `<file>.sig`: the base64 signature, as `cosign sign-blob` prints it. */
  signaturePath: string;
  /** `<file>.sigstore.json`: the Sigstore bundle v0.3 (message signature). */
  bundlePath: string;
  certificateIdentity?: string;
  issuer?: string;
  rekorLogIndex?: number;
}

export interface SignByDigestOptions {
  registryClient: SignatureRegistry;
  /** Repository inside the registry, e.g. `acme/charts/nginx`. */
  repository: string;
  /** Manifest digest `sha256:<hex>`. */
  digest: string;
}

export interface AttestByDigestOptions extends SignByDigestOptions {
  /** The in-toto statement to sign (any predicate type); its subjects should include `digest`. */
  statement: InTotoStatement;
  /**
   * Keeps the signed bundle somewhere else too (GitHub's attestations API), before it is attached in the registry;
   * returns the id it was stored under.
   */
  store?: (bundle: Record<string, unknown>) => Promise<string | number | undefined>;
}

/** A DSSE attestation signed for a manifest digest, stored and attached as a referrer. */
export interface DigestAttestation {
  bundle: Record<string, unknown>;
  predicateType: string;
  referrerDigest: string;
  referrerRef: string;
  /** The id `store` returned. */
  storedId?: string | number;
  certificateIdentity?: string;
  issuer?: string;
  rekorLogIndex?: number;
}

/** Signs charts by digest and as blobs with one backend. */
export interface Signer {
  /** The backend actually used (`auto` resolved). */
  mode: Exclude<SigningMode, 'auto'>;
  signByDigest(options: SignByDigestOptions): Promise<DigestSignature>;
  signBlob(path: string): Promise<BlobSignature>;
  /** Signs an in-toto statement as a DSSE bundle and attaches it to the digest as a referrer (after `store`). */
  attestByDigest(options: AttestByDigestOptions): Promise<DigestAttestation>;
}

/** Who must have signed: a keyless identity and issuer, or a public key. */
export type VerificationPolicy =
  | { certificateIdentity: string; certificateIdentityRegexp?: undefined; issuer: string; publicKeyPem?: undefined }
  | { certificateIdentity?: undefined; certificateIdentityRegexp: string; issuer: string; publicKeyPem?: undefined }
  | { publicKeyPem: string; certificateIdentity?: undefined; certificateIdentityRegexp?: undefined; issuer?: undefined };

/** What a successful verification established. */
export interface VerificationResult {
  verified: true;
  /** Which layout held the verified signature (digest verification). */
  layout?: 'bundle' | 'legacy';
  /** The verified bundle's referrer manifest digest (bundle layout). */
  referrerDigest?: string;
  /** The `sha256-<hex>.sig` tag holding the verified signature (legacy layout). */
  signatureTag?: string;
  /** The artifact digest the signature covers (`sha256:<hex>`). */
  digest: string;
  certificateIdentity?: string;
  issuer?: string;
  /** The certificate's build extensions (source repository, workflow, commit), keyless only. */
  certificateClaims?: CertificateClaims;
  /** Key hint of a key-signed bundle. */
  keyHint?: string;
  rekorLogIndex?: number;
  /** Seconds since the epoch Rekor recorded the entry. */
  integratedTime?: number;
}
