import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ReleaseError } from '@chart-release/core';
import { verifyByDigest, type VerificationPolicy } from '@chart-release/cosign';
import { HELM_CHART_LAYER, type RegistryClient } from '@chart-release/oci';
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

/** sha256 (hex) of the chart layer of `repository@digest`. */
export async function chartLayerSha256(client: RegistryClient, repository: string, digest: string): Promise<string> {
  const { manifest } = await client.getManifest(repository, digest);
  const layer = manifest.layers?.find((l) => l.mediaType === HELM_CHART_LAYER);
  if (!layer)
    throw new ReleaseError('NOT_A_CHART', `${repository}@${digest} has no helm chart layer.`, { hint: 'point at a chart pushed by helm or chart-release.' });
  return layer.digest.replace(/^sha256:/, '');
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

/**
 * `helm show chart` and `helm template` of the chart at `repository@digest`, offline: the chart layer is read
 * from the registry and rendered from a local file. Returns the chart's version.
 */
export async function helmSanityCheck(client: RegistryClient, config: ReleaseConfig, repository: string, digest: string): Promise<{ version: string }> {
  const sha = await chartLayerSha256(client, repository, digest);
  const bytes = await client.getBlob(repository, `sha256:${sha}`);
  const dir = await mkdtemp(join(tmpdir(), 'promote-check-'));
  try {
    const tgz = join(dir, 'chart.tgz');
    await writeFile(tgz, bytes);
    const show = await execa(config.helm, ['show', 'chart', tgz], { reject: false });
    if (show.exitCode !== 0)
      throw new ReleaseError('CHART_CHECK_FAILED', `helm show chart failed for ${repository}@${digest}: ${show.stderr}`, {
        hint: 'the digest is not a readable chart.',
      });
    const version = /^version:\s*["']?([^"'\s]+)/m.exec(show.stdout)?.[1] ?? '';
    if (!/^type:\s*library/m.test(show.stdout)) {
      const rendered = await execa(config.helm, ['template', 'promotion-check', tgz], { reject: false });
      if (rendered.exitCode !== 0) {
        throw new ReleaseError('CHART_CHECK_FAILED', `helm template failed for ${repository}@${digest}: ${rendered.stderr.trim()}`, {
          hint: 'fix the chart and publish a new version.',
        });
      }
    }
    return { version };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
