export { createSigner, resolveSigningMode, findOnPath } from './signer.ts';
export { verifyByDigest, verifyBlob } from './verify.ts';
export type { VerifyByDigestOptions, VerifyBlobOptions } from './verify.ts';
export type {
  SigningMode,
  SigningConfig,
  Signer,
  SignByDigestOptions,
  DigestSignature,
  BlobSignature,
  VerificationPolicy,
  VerificationResult,
} from './types.ts';
export type { SignatureRegistry, OciDescriptor, OciManifest } from './registry.ts';
export {
  attachBundle,
  findBundles,
  buildReferrerManifest,
  mergeReferrersIndex,
  referrersFallbackTag,
  BUNDLE_V03_MEDIA_TYPE,
  EMPTY_JSON_DIGEST,
} from './referrer.ts';
export type { FoundBundle, AttachedReferrer } from './referrer.ts';
export { signStatement, statementMismatch, COSIGN_SIGN_PREDICATE_TYPE, IN_TOTO_PAYLOAD_TYPE } from './statement.ts';
export {
  cosignSignArgs,
  cosignSignBlobArgs,
  cosignVerifyArgs,
  cosignVerifyBlobArgs,
  parseSignBlobOutput,
  classifyVerifyFailure,
  dockerConfigFor,
  parseVerifyOutput,
  findCosign,
} from './cosign-cli.ts';
export type { CosignSignOptions, CosignSignBlobOptions, CosignVerifyOptions, CosignVerifyBlobOptions, CosignVerifiedSignature } from './cosign-cli.ts';
export { verifyWithCosign } from './cosign-signer.ts';
export { resolveIdentityToken } from './identity-token.ts';
export { loadSigningKey, publicKeyHint } from './signing-key.ts';
export type { SigningKey } from './signing-key.ts';
export { bundleFacts } from './bundle-facts.ts';
