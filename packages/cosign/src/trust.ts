import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ReleaseError } from '@chart-release/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial } from '@sigstore/verify';

const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';

/** Reads a `trusted_root.json`, or fetches the public Sigstore trusted root through TUF when no path is given. */
export async function loadTrustedRoot(trustedRootPath?: string): Promise<TrustedRoot> {
  if (!trustedRootPath) {
    try {
      // the TUF client (and its HTTP stack) loads only when the public trusted root is fetched
      const { getTrustedRoot } = await import('@sigstore/tuf');
      return await getTrustedRoot();
    } catch (error) {
      throw new ReleaseError('TRUSTED_ROOT_UNAVAILABLE', `cannot fetch the public Sigstore trusted root through TUF: ${(error as Error).message}`, {
        hint: 'check network access to the Sigstore TUF repository, or pass --trusted-root <trusted_root.json>',
      });
    }
  }
  let text: string;
  try {
    text = await readFile(trustedRootPath, 'utf8');
  } catch (error) {
    throw new ReleaseError(
      'TRUSTED_ROOT_UNAVAILABLE',
      `cannot read the trusted root ${trustedRootPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { file: trustedRootPath },
    );
  }
  try {
    return TrustedRoot.fromJSON(JSON.parse(text));
  } catch (error) {
    throw new ReleaseError('TRUSTED_ROOT_UNAVAILABLE', `${trustedRootPath} is not a Sigstore trusted root: ${(error as Error).message}`, {
      file: trustedRootPath,
      hint: `use a ${TRUSTED_ROOT_MEDIA_TYPE} document (cosign trusted-root create, or the instance's TUF repository)`,
    });
  }
}

/** A trusted root that trusts nothing (key-only verification of bundles without transparency log entries). */
export function emptyTrustedRoot(): TrustedRoot {
  return TrustedRoot.fromJSON({ mediaType: TRUSTED_ROOT_MEDIA_TYPE, tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] });
}

/** Trust material from a trusted root, plus `publicKeyPem` for key-signed bundles (whatever hint they carry). */
export function trustMaterialFor(root: TrustedRoot, publicKeyPem?: string): TrustMaterial {
  if (!publicKeyPem) return toTrustMaterial(root);
  const publicKey: KeyObject = createPublicKey(publicKeyPem);
  return toTrustMaterial(root, () => ({ publicKey, validFor: () => true }));
}
