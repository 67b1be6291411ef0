import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isReleaseError, ReleaseError } from '@chart-release/core';
import { resolvePredicateType } from './predicate-types.ts';
import { findBundles } from './referrer.ts';
import type { SignatureRegistry } from './registry.ts';
import { parseStatement, splitDigest, type InTotoStatement } from './statement.ts';
import type { VerificationPolicy, VerificationResult } from './types.ts';
import { checkPolicy, combineFailures } from './verify.ts';
import { verifyBundle } from './verify-bundle.ts';

export interface VerifyAttestationOptions {
  /** The artifact digest the statement must name among its subjects (`sha256:<hex>`). */
  digest: string;
  /** Bundles to check (a file, GitHub's attestations API); else the referrers of `repository@digest` are read. */
  bundles?: { bundle: Record<string, unknown>; source: string }[];
  registryClient?: SignatureRegistry;
  repository?: string;
  /** Required predicate type: a URI or cosign's short name (`slsaprovenance1`, `spdxjson`, ...); any when unset. */
  predicateType?: string;
  policy: VerificationPolicy;
  /** The certificate's source repository must be this URI (`https://github.com/OWNER/REPO`), as `gh --repo` checks. */
  sourceRepository?: string;
  trustedRootPath?: string;
  insecureIgnoreTlog?: boolean;
  chart?: string;
}

/** A verified attestation: who signed it and the statement it carries. */
export interface AttestationVerification extends VerificationResult {
  predicateType: string;
  statement: InTotoStatement;
  /** Where the verified bundle came from (a referrer digest, a file, an API record). */
  source: string;
}

/**
 * Verifies DSSE in-toto attestations of `digest` against the trusted root and the policy: signature, certificate,
 * transparency log, a subject with the digest, the predicate type, the signer's identity and issuer, and the
 * source repository. The first that passes wins; none found: ATTESTATION_NOT_FOUND; all fail: UNTRUSTED_SIGNER or
 * SIGNATURE_INVALID with each one's reason.
 */
export async function verifyAttestation(options: VerifyAttestationOptions): Promise<AttestationVerification> {
  checkPolicy(options.policy);
  splitDigest(options.digest);
  const predicateType = options.predicateType === undefined ? null : resolvePredicateType(options.predicateType);
  if (predicateType === undefined) {
    throw new ReleaseError('USAGE', `unknown predicate type '${options.predicateType}'.`, {
      hint: 'use a URI or one of slsaprovenance1, slsaprovenance02, spdxjson, cyclonedx, link, vuln, openvex, custom',
    });
  }
  const candidates = options.bundles ?? (await referrerBundles(options, predicateType ?? undefined));
  const what = options.repository && options.registryClient ? `${options.registryClient.registry}/${options.repository}@${options.digest}` : options.digest;
  if (candidates.length === 0) {
    throw new ReleaseError('ATTESTATION_NOT_FOUND', `no attestation${predicateType ? ` of type ${predicateType}` : ''} is attached to ${what}.`, {
      chart: options.chart,
      hint: 'attest the digest in the release workflow (attestations: write) before relying on it',
    });
  }
  const failures: ReleaseError[] = [];
  for (const { bundle, source } of candidates) {
    try {
      const result = await verifyBundle({
        bundle,
        subject: { kind: 'digest', digest: options.digest, predicateType },
        policy: options.policy,
        trustedRootPath: options.trustedRootPath,
        insecureIgnoreTlog: options.insecureIgnoreTlog,
        source,
      });
      const repository = result.certificateClaims?.sourceRepositoryUri;
      if (options.sourceRepository !== undefined && repository !== options.sourceRepository) {
        throw new ReleaseError(
          'UNTRUSTED_SIGNER',
          `${source}: built from ${repository ?? 'an unknown repository'}, but the policy requires ${options.sourceRepository}`,
          {
            details: { reason: 'source-repository', source },
          },
        );
      }
      const parsed = parseStatement(Buffer.from(((bundle.dsseEnvelope as { payload?: string }) ?? {}).payload ?? '', 'base64'));
      if ('problem' in parsed) throw new ReleaseError('SIGNATURE_INVALID', `${source}: ${parsed.problem}`, { details: { reason: 'content', source } });
      return {
        ...result,
        predicateType: parsed.statement.predicateType,
        statement: parsed.statement,
        source,
      };
    } catch (error) {
      if (!isReleaseError(error)) throw error;
      failures.push(error);
    }
  }
  throw combineFailures(failures, `the attestations of ${what}`, options.chart);
}

async function referrerBundles(options: VerifyAttestationOptions, predicateType?: string) {
  if (!options.registryClient || !options.repository)
    throw new ReleaseError('USAGE', 'verifying attestations needs bundles or a registry repository to read them from.');
  const found = await findBundles(options.registryClient, options.repository, options.digest, predicateType);
  return found.map((f) => ({
    bundle: f.bundle,
    source: `attestation ${f.referrerDigest}`,
  }));
}

export interface VerifyBlobAttestationOptions extends Omit<VerifyAttestationOptions, 'digest' | 'bundles' | 'registryClient' | 'repository'> {
  path: string;
  /** The bundle (`.sigstore.json`, or one line of a `.jsonl`) of the attestation. */
  bundlePath: string;
}

/** Verifies an attestation bundle file for a file: the statement must name the file's sha256. */
export async function verifyBlobAttestation(options: VerifyBlobAttestationOptions): Promise<AttestationVerification> {
  const data = await readFile(options.path).catch((error: NodeJS.ErrnoException) => {
    throw new ReleaseError('USAGE', `cannot read ${options.path}: ${error.code ?? error.message}`, { file: options.path });
  });
  const text = await readFile(options.bundlePath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new ReleaseError('ATTESTATION_NOT_FOUND', `cannot read the attestation bundle ${options.bundlePath}: ${error.code ?? error.message}`, {
      file: options.bundlePath,
    });
  });
  const bundles: { bundle: Record<string, unknown>; source: string }[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    try {
      bundles.push({
        bundle: JSON.parse(line) as Record<string, unknown>,
        source: `${options.bundlePath}:${i + 1}`,
      });
    } catch {
      // a pretty-printed bundle spans lines: read the file as one document instead
      bundles.length = 0;
      try {
        bundles.push({
          bundle: JSON.parse(text) as Record<string, unknown>,
          source: options.bundlePath,
        });
      } catch {
        throw new ReleaseError('SIGNATURE_INVALID', `${options.bundlePath} is neither a JSON bundle nor JSON lines of bundles.`, { file: options.bundlePath });
      }
      break;
    }
  }
  const digest = `sha256:${createHash('sha256').update(data).digest('hex')}`;
  return verifyAttestation({ ...options, digest, bundles });
}
