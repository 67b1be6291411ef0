import { ReleaseError } from '@chart-release/core';
import { verifyByDigest, type VerificationPolicy } from '@chart-release/cosign';
import type { RegistryClient } from '@chart-release/oci';
import type { ReleaseConfig } from '../config.ts';
import type { PromotionRegistry } from '../promote.ts';

/** The registry as promotion sees it: tags resolve to digests, and tags move server-side by digest. */
export function promotionRegistry(client: RegistryClient): PromotionRegistry {
  return {
    resolve: async (repository, tag) => (await client.checkManifest(repository, tag))?.digest,
    exists: async (repository, digest) => (await client.checkManifest(repository, digest)) !== undefined,
    retag: (repository, digest, tag) => client.retag(repository, digest, tag),
    listTags: (repository) => client.listTags(repository),
  };
}

/** The identity policy signatures are checked against: the configured identity (or regexp) and issuer, or a key. */
export function verificationPolicy(
  config: ReleaseConfig,
  overrides: { identity?: string; identityRegexp?: string; issuer?: string; publicKeyPem?: string } = {},
): VerificationPolicy {
  if (overrides.publicKeyPem) return { publicKeyPem: overrides.publicKeyPem };
  const issuer = overrides.issuer ?? config.signing.issuer;
  const identity = overrides.identity ?? config.signing.identity;
  const regexp = overrides.identityRegexp ?? config.signing.identityRegexp;
  if (identity) return { certificateIdentity: identity, issuer };
  if (regexp) return { certificateIdentityRegexp: regexp, issuer };
  if (config.github.repository) {
    // any workflow of this repository
    return {
      certificateIdentityRegexp: `^${config.github.serverUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/${config.github.repository}/\\.github/workflows/`,
      issuer,
    };
  }
  throw new ReleaseError('CONFIG_INVALID', 'no signer identity to verify against.', {
    hint: 'pass --identity (or --identity-regexp) and --issuer, set signing.identity in .chart-release.yaml, or run in Actions.',
  });
}

/** Verifies the signature attached to `repository@digest`; throws SIGNATURE_* with the reason. */
export async function verifyDigestSignature(
  client: RegistryClient,
  config: ReleaseConfig,
  repository: string,
  digest: string,
  policy: VerificationPolicy,
  chart?: string,
) {
  return verifyByDigest({ registryClient: client, repository, digest, policy, trustedRootPath: config.signing.trustedRoot, chart });
}
