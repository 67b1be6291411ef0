import type { SignatureRegistry } from './registry.ts';

/** Which signing backend to use; `auto` picks the cosign CLI when it is on PATH, else sigstore-js. */
export type SigningMode = 'auto' | 'cosign' | 'sigstore' | 'key' | 'none';

/** How to sign; every URL defaults to the public Sigstore instance. */
export interface SigningConfig {
  mode: SigningMode;
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
  /** The Sigstore bundle v0.3 (JSON). */
  bundle: Record<string, unknown>;
  /** Digest of the referrer manifest holding the bundle. */
  referrerDigest: string;
  /** `registry/repository@sha256:...` of the referrer manifest. */
  referrerRef: string;
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

/** Signs charts by digest and as blobs with one backend. */
export interface Signer {
  /** The backend actually used (`auto` resolved). */
  mode: Exclude<SigningMode, 'auto'>;
  signByDigest(options: SignByDigestOptions): Promise<DigestSignature>;
  signBlob(path: string): Promise<BlobSignature>;
}

/** Who must have signed: a keyless identity and issuer, or a public key. */
export type VerificationPolicy =
  | { certificateIdentity: string; certificateIdentityRegexp?: undefined; issuer: string; publicKeyPem?: undefined }
  | { certificateIdentity?: undefined; certificateIdentityRegexp: string; issuer: string; publicKeyPem?: undefined }
  | { publicKeyPem: string; certificateIdentity?: undefined; certificateIdentityRegexp?: undefined; issuer?: undefined };

/** What a successful verification established. */
export interface VerificationResult {
  verified: true;
  /** The verified bundle's referrer manifest digest (digest verification). */
  referrerDigest?: string;
  /** The artifact digest the signature covers (`sha256:<hex>`). */
  digest: string;
  certificateIdentity?: string;
  issuer?: string;
  /** Key hint of a key-signed bundle. */
  keyHint?: string;
  rekorLogIndex?: number;
  /** Seconds since the epoch Rekor recorded the entry. */
  integratedTime?: number;
}
