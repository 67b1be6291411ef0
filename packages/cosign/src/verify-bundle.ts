import { createHash } from 'node:crypto';
import { ReleaseError, type ErrorCode } from '@chart-release/core';
import { bundleFromJSON, type Bundle } from '@sigstore/bundle';
import { toSignedEntity, Verifier, type Signer as VerifiedSigner } from '@sigstore/verify';
import { bundleFacts } from './bundle-facts.ts';
import { statementMismatch } from './statement.ts';
import { emptyTrustedRoot, loadTrustedRoot, trustMaterialFor } from './trust.ts';
import { tlogWindowProblem } from './trust-windows.ts';
import type { VerificationPolicy, VerificationResult } from './types.ts';

/**
 * What the bundle must cover: a DSSE in-toto statement with `digest` among its subjects (and of `predicateType`:
 * cosign's sign predicate by default, `null` for any), or a file's bytes (message signature).
 */
export type SignedSubject = { kind: 'digest'; digest: string; predicateType?: string | null } | { kind: 'blob'; data: Buffer; path: string };

export interface BundleVerification {
  bundle: Record<string, unknown>;
  subject: SignedSubject;
  policy: VerificationPolicy;
  trustedRootPath?: string;
  /** Where the bundle came from, for messages (a referrer digest or a file path). */
  source: string;
  /** Key mode: accept a bundle without a transparency log entry (cosign's `--insecure-ignore-tlog`). */
  insecureIgnoreTlog?: boolean;
}

/**
 * Verifies one Sigstore bundle with `@sigstore/verify` (certificate chain, SCT, transparency log, signature), then
 * that it covers the subject and that the signer matches the policy. Throws SIGNATURE_INVALID (tampered, broken or
 * not covering the subject) or UNTRUSTED_SIGNER (valid, but someone else signed); `details.reason` says which check.
 */
export async function verifyBundle(input: BundleVerification): Promise<VerificationResult> {
  const { subject, policy, source } = input;
  const fail = (reason: string, message: string, code: ErrorCode = 'SIGNATURE_INVALID') =>
    new ReleaseError(code, `${source}: ${message}`, { details: { reason, source } });

  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(input.bundle);
  } catch (error) {
    throw fail('malformed', `not a valid Sigstore bundle (${(error as Error).message})`);
  }
  const keyed = bundle.verificationMaterial.content.$case === 'publicKey';
  if (keyed && !policy.publicKeyPem)
    throw fail('key-mismatch', 'the bundle is signed with a key, but the policy expects a keyless identity', 'UNTRUSTED_SIGNER');
  if (!keyed && policy.publicKeyPem)
    throw fail('key-mismatch', 'the bundle is signed keyless (certificate), but the policy expects a public key', 'UNTRUSTED_SIGNER');

  if (subject.kind === 'blob') {
    if (bundle.content.$case !== 'messageSignature') throw fail('content', `the bundle holds a ${bundle.content.$case}, not a blob signature`);
    const actual = createHash('sha256').update(subject.data).digest('hex');
    const signed = Buffer.from(bundle.content.messageSignature.messageDigest?.digest ?? []).toString('hex');
    if (actual !== signed)
      throw fail('digest', `${subject.path} has sha256 ${actual}, but the signature covers ${signed} (the file was changed after signing)`);
  } else {
    if (bundle.content.$case !== 'dsseEnvelope') throw fail('content', `the bundle holds a ${bundle.content.$case}, not a DSSE envelope`);
  }

  const tlogCount = bundle.verificationMaterial.tlogEntries.length;
  // as cosign: a key signature counts only when it is in the transparency log, unless that is explicitly waived
  const ignoreTlog = keyed && input.insecureIgnoreTlog === true;
  if (keyed && tlogCount === 0 && !ignoreTlog) {
    throw fail('tlog', 'the bundle has no transparency log entry; a key signature is accepted without one only with --insecure-ignore-tlog');
  }
  const root = ignoreTlog && tlogCount === 0 ? emptyTrustedRoot() : await loadTrustedRoot(input.trustedRootPath);
  const window = tlogWindowProblem(root, bundle);
  if (window) throw fail('trust-window', window);
  const verifier = new Verifier(trustMaterialFor(root, policy.publicKeyPem), {
    tlogThreshold: ignoreTlog ? 0 : 1,
    ctlogThreshold: keyed ? 0 : 1,
    timestampThreshold: ignoreTlog ? 0 : 1,
  });
  let signer: VerifiedSigner;
  try {
    signer = verifier.verify(toSignedEntity(bundle, subject.kind === 'blob' ? subject.data : undefined));
  } catch (error) {
    const code = (error as { code?: string }).code ?? (error as Error).name;
    throw fail('signature', `signature verification failed (${code}: ${(error as Error).message})`);
  }

  if (subject.kind === 'digest' && bundle.content.$case === 'dsseEnvelope') {
    const mismatch = statementMismatch(Buffer.from(bundle.content.dsseEnvelope.payload), subject.digest, subject.predicateType);
    if (mismatch) throw fail('subject', mismatch);
  }

  const identity = signer.identity?.subjectAlternativeName;
  const issuer = signer.identity?.extensions?.issuer;
  if (!keyed) checkIdentity(policy, identity, issuer, fail);

  const entry = bundle.verificationMaterial.tlogEntries[0];
  const { certificateClaims } = keyed ? {} : bundleFacts(input.bundle);
  return {
    verified: true,
    digest: subject.kind === 'digest' ? subject.digest : `sha256:${createHash('sha256').update(subject.data).digest('hex')}`,
    ...(identity ? { certificateIdentity: identity } : {}),
    ...(issuer ? { issuer } : {}),
    ...(certificateClaims ? { certificateClaims } : {}),
    ...(keyed && bundle.verificationMaterial.content.$case === 'publicKey' ? { keyHint: bundle.verificationMaterial.content.publicKey.hint } : {}),
    ...(entry ? { rekorLogIndex: Number(entry.logIndex), integratedTime: Number(entry.integratedTime) } : {}),
  };
}

function checkIdentity(
  policy: VerificationPolicy,
  identity: string | undefined,
  issuer: string | undefined,
  fail: (reason: string, message: string, code?: ErrorCode) => ReleaseError,
): void {
  if (policy.certificateIdentity !== undefined && identity !== policy.certificateIdentity) {
    throw fail('identity', `signed by ${identity ?? 'an unknown identity'}, but the policy requires ${policy.certificateIdentity}`, 'UNTRUSTED_SIGNER');
  }
  // unanchored, as cosign's --certificate-identity-regexp (Go regexp.MatchString); anchor the pattern to pin it
  if (policy.certificateIdentityRegexp !== undefined && !(identity !== undefined && new RegExp(policy.certificateIdentityRegexp).test(identity))) {
    throw fail(
      'identity',
      `signed by ${identity ?? 'an unknown identity'}, which does not match the policy pattern ${policy.certificateIdentityRegexp}`,
      'UNTRUSTED_SIGNER',
    );
  }
  if (policy.issuer !== undefined && issuer !== policy.issuer) {
    throw fail(
      'issuer',
      `the signing certificate was issued for OIDC issuer ${issuer ?? '(none)'}, but the policy requires ${policy.issuer}`,
      'UNTRUSTED_SIGNER',
    );
  }
}
