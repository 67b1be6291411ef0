export { createSigner, resolveSigningMode, findOnPath } from './signer.ts';
export { verifyByDigest, verifyBlob } from './verify.ts';
export type { VerifyByDigestOptions, VerifyBlobOptions } from './verify.ts';
export { verifyAttestation, verifyBlobAttestation } from './verify-attestation.ts';
export type { VerifyAttestationOptions, VerifyBlobAttestationOptions, AttestationVerification } from './verify-attestation.ts';
export { checkReady } from './ready.ts';
export type { ReadinessOptions } from './ready.ts';
export {
  buildProvenancePredicate,
  provenanceStatement,
  provenanceStatementFor,
  workflowClaimsOf,
  SLSA_PROVENANCE_V1_PREDICATE_TYPE,
  GITHUB_WORKFLOW_BUILD_TYPE,
} from './provenance.ts';
export type { GitHubWorkflowClaims } from './provenance.ts';
export { resolvePredicateType } from './predicate-types.ts';
export { attachLegacySignature, findLegacySignatures, issuerChainPem } from './legacy-attach.ts';
export type { LegacySignature } from './legacy-attach.ts';
export { legacySignatureTag, simpleSigningPayload, simpleSigningMismatch, legacyLayerToBundle, SIMPLE_SIGNING_MEDIA_TYPE } from './legacy-signature.ts';
export type {
  SignatureLayout,
  AttestByDigestOptions,
  DigestAttestation,
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
export { signStatement, statementMismatch, parseStatement, COSIGN_SIGN_PREDICATE_TYPE, IN_TOTO_PAYLOAD_TYPE } from './statement.ts';
export type { InTotoStatement } from './statement.ts';
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
export { blobBundleCovers } from './blob-bundle.ts';
export type { BundleFacts, CertificateClaims } from './bundle-facts.ts';
