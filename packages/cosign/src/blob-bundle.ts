import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/**
 * Whether a blob signature and its Sigstore bundle (message signature, v0.3) exist and cover a file with this sha256
 * (hex): an earlier attempt's `<file>.sig` and `<file>.sigstore.json` for the same bytes need not be signed again.
 * Reads the bundle's message digest only; verification is `verifyBlob`'s.
 */
export async function blobBundleCovers(bundlePath: string, signaturePath: string, sha256: string): Promise<boolean> {
  if (!existsSync(bundlePath) || !existsSync(signaturePath)) return false;
  try {
    const bundle = JSON.parse(await readFile(bundlePath, 'utf8')) as { messageSignature?: { messageDigest?: { digest?: string } } };
    const digest = bundle.messageSignature?.messageDigest?.digest;
    return digest !== undefined && Buffer.from(digest, 'base64').toString('hex') === sha256;
  } catch {
    return false;
  }
}
