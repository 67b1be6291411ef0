import { readFile } from 'node:fs/promises';
import { isReleaseError, ReleaseError } from '@chart-release/core';
import { findLegacySignatures } from './legacy-attach.ts';
import { legacyLayerToBundle, legacySignatureTag, simpleSigningMismatch } from './legacy-signature.ts';
import { findBundles } from './referrer.ts';
import type { SignatureRegistry } from './registry.ts';
import { COSIGN_SIGN_PREDICATE_TYPE, splitDigest } from './statement.ts';
import { verifyBundle } from './verify-bundle.ts';
import type { VerificationPolicy, VerificationResult } from './types.ts';

export interface VerifyByDigestOptions {
  registryClient: SignatureRegistry;
  repository: string;
  digest: string;
  policy: VerificationPolicy;
  /** A trusted root for a private or test instance; the public Sigstore root (TUF) otherwise. */
  trustedRootPath?: string;
  /** Key mode: accept signatures without a transparency log entry (cosign's `--insecure-ignore-tlog`). */
  insecureIgnoreTlog?: boolean;
  /** Which layouts count: `bundle` (referrers, cosign v3), `legacy` (the `.sig` tag, cosign v2) or `any` (default). */
  layout?: 'bundle' | 'legacy' | 'any';
  chart?: string;
}

/**
 * Finds the signatures of `repository@digest` in both layouts (Sigstore bundles among the referrers, cosign v2
 * layers at the `.sig` tag) and verifies them; the first that passes wins. None: SIGNATURE_NOT_FOUND. All fail:
 * UNTRUSTED_SIGNER when every valid signature came from someone else, SIGNATURE_INVALID otherwise; the message
 * lists each signature's reason.
 */
export async function verifyByDigest(options: VerifyByDigestOptions): Promise<VerificationResult> {
  checkPolicy(options.policy);
  splitDigest(options.digest);
  const ref = `${options.registryClient.registry}/${options.repository}@${options.digest}`;
  const layout = options.layout ?? 'any';
  const bundles = layout === 'legacy' ? [] : await findBundles(options.registryClient, options.repository, options.digest, COSIGN_SIGN_PREDICATE_TYPE);
  const legacy = layout === 'bundle' ? [] : await findLegacySignatures(options.registryClient, options.repository, options.digest);
  if (bundles.length === 0 && legacy.length === 0) {
    throw new ReleaseError('SIGNATURE_NOT_FOUND', `no Sigstore signature is attached to ${ref}.`, {
      chart: options.chart,
      hint: 'sign the chart by digest (chart-sign sign) before promoting or installing it',
    });
  }
  const failures: ReleaseError[] = [];
  for (const found of bundles) {
    try {
      const result = await verifyBundle({
        bundle: found.bundle,
        subject: { kind: 'digest', digest: options.digest },
        policy: options.policy,
        trustedRootPath: options.trustedRootPath,
        insecureIgnoreTlog: options.insecureIgnoreTlog,
        source: `signature ${found.referrerDigest}`,
      });
      return { ...result, layout: 'bundle', referrerDigest: found.referrerDigest };
    } catch (error) {
      if (!isReleaseError(error)) throw error;
      failures.push(error);
    }
  }
  const tag = legacySignatureTag(options.digest);
  for (const [i, found] of legacy.entries()) {
    const source = `signature ${i + 1} at ${tag}`;
    try {
      const result = await verifyBundle({
        bundle: legacyLayerToBundle(found.payload, found.annotations),
        subject: { kind: 'blob', data: found.payload, path: tag },
        policy: options.policy,
        trustedRootPath: options.trustedRootPath,
        insecureIgnoreTlog: options.insecureIgnoreTlog,
        source,
      });
      const mismatch = simpleSigningMismatch(found.payload, options.digest);
      if (mismatch) throw new ReleaseError('SIGNATURE_INVALID', `${source}: ${mismatch}`, { details: { reason: 'subject', source } });
      return { ...result, digest: options.digest, layout: 'legacy', signatureTag: tag };
    } catch (error) {
      if (!isReleaseError(error)) throw error;
      failures.push(error);
    }
  }
  throw combineFailures(failures, ref, options.chart);
}

export interface VerifyBlobOptions {
  path: string;
  /** The `.sigstore.json` bundle; `<path>.sigstore.json` by default. */
  bundlePath?: string;
  policy: VerificationPolicy;
  trustedRootPath?: string;
  /** Key mode: accept a bundle without a transparency log entry (cosign's `--insecure-ignore-tlog`). */
  insecureIgnoreTlog?: boolean;
  chart?: string;
}

/** Verifies a file against its Sigstore bundle and the policy. */
export async function verifyBlob(options: VerifyBlobOptions): Promise<VerificationResult> {
  checkPolicy(options.policy);
  const bundlePath = options.bundlePath ?? `${options.path}.sigstore.json`;
  const data = await readFile(options.path).catch((error: NodeJS.ErrnoException) => {
    throw new ReleaseError('SIGNATURE_INVALID', `cannot read ${options.path}: ${error.code ?? error.message}`, { chart: options.chart, file: options.path });
  });
  const text = await readFile(bundlePath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ReleaseError('SIGNATURE_NOT_FOUND', `no signature bundle for ${options.path}: cannot read ${bundlePath} (${error.code ?? error.message}).`, {
      chart: options.chart,
      file: bundlePath,
      hint: 'download the .sigstore.json asset next to the chart package',
    });
  });
  let bundle: Record<string, unknown>;
  try {
    bundle = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ReleaseError('SIGNATURE_INVALID', `${bundlePath} is not JSON.`, { chart: options.chart, file: bundlePath });
  }
  try {
    return await verifyBundle({
      bundle,
      subject: { kind: 'blob', data, path: options.path },
      policy: options.policy,
      trustedRootPath: options.trustedRootPath,
      insecureIgnoreTlog: options.insecureIgnoreTlog,
      source: bundlePath,
    });
  } catch (error) {
    if (isReleaseError(error))
      throw new ReleaseError(error.code, error.message, { chart: options.chart, file: options.path, details: error.details, hint: error.hint });
    throw error;
  }
}

/** Refuses a policy that is not exactly one of: identity (exact, or a non-empty regexp) with issuer, or public key. */
export function checkPolicy(policy: VerificationPolicy): void {
  const keyless = policy.certificateIdentity !== undefined || policy.certificateIdentityRegexp !== undefined;
  if (policy.publicKeyPem ? keyless || policy.issuer : !keyless || !policy.issuer) {
    throw new ReleaseError('USAGE', 'a verification policy is either a certificate identity (exact or regexp) with an OIDC issuer, or a public key.', {
      hint: "e.g. --certificate-identity 'https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/heads/release' --certificate-oidc-issuer https://token.actions.githubusercontent.com",
    });
  }
  // an empty pattern matches every identity: refused here as by the CLI, so no caller trusts everyone by accident
  if (policy.certificateIdentity === '' || policy.certificateIdentityRegexp === '' || policy.issuer === '') {
    throw new ReleaseError('USAGE', 'an empty certificate identity, identity regexp or issuer would accept any signer; name the release workflow.', {
      hint: "e.g. --certificate-identity 'https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/heads/release'",
    });
  }
  if (policy.certificateIdentityRegexp !== undefined) {
    try {
      new RegExp(policy.certificateIdentityRegexp);
    } catch (error) {
      throw new ReleaseError('USAGE', `invalid --certificate-identity-regexp: ${(error as Error).message}`);
    }
  }
}

/** One error for every bundle that failed: UNTRUSTED_SIGNER when each was valid but from someone else. */
export function combineFailures(failures: ReleaseError[], ref: string, chart?: string): ReleaseError {
  const code = failures.every((f) => f.code === 'UNTRUSTED_SIGNER') ? 'UNTRUSTED_SIGNER' : 'SIGNATURE_INVALID';
  const reasons = failures.map((f) => f.message);
  const lead = code === 'UNTRUSTED_SIGNER' ? `${ref} is signed, but not by a signer the policy trusts` : `no valid signature for ${ref}`;
  return new ReleaseError(code, `${lead}: ${reasons.join('; ')}`, {
    chart,
    details: { reasons: failures.map((f) => f.details?.reason), signatures: failures.length },
    hint:
      code === 'UNTRUSTED_SIGNER'
        ? 'check --certificate-identity and --certificate-oidc-issuer against the release workflow'
        : 'do not use this artifact; re-publish it from the release workflow',
  });
}
