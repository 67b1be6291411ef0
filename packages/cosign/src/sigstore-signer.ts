import { readFile, writeFile } from 'node:fs/promises';
import { createDsseBundle, createMessageBundle, PUBLIC_REKOR_URL, type BundleBuilderConfig } from './bundle-builder.ts';
import { bundleFacts } from './bundle-facts.ts';
import { resolveIdentityToken } from './identity-token.ts';
import { attachBundle } from './referrer.ts';
import { signingFailed } from './sign-errors.ts';
import { loadSigningKey, type SigningKey } from './signing-key.ts';
import { COSIGN_SIGN_PREDICATE_TYPE, signStatement, splitDigest } from './statement.ts';
import type { BlobSignature, DigestSignature, SignByDigestOptions, Signer, SigningConfig } from './types.ts';

/** The sigstore-js backend: keyless (Fulcio + Rekor) or with a PEM key (`mode: 'key'`). */
export function createSigstoreSigner(config: SigningConfig, mode: 'sigstore' | 'key'): Signer {
  // loaded once: a cosign key costs a deliberately slow scrypt to open
  let key: SigningKey | undefined;
  const builderConfig = async (): Promise<BundleBuilderConfig> => {
    if (mode === 'key') {
      return {
        signer: { kind: 'key', key: (key ??= loadSigningKey(config)) },
        rekorUrl: config.tlogUpload === false ? undefined : (config.rekorUrl ?? PUBLIC_REKOR_URL),
        tsaUrl: config.tsaUrl,
      };
    }
    const identityToken = await resolveIdentityToken(config);
    return { signer: { kind: 'keyless', identityToken, fulcioUrl: config.fulcioUrl }, rekorUrl: config.rekorUrl ?? PUBLIC_REKOR_URL, tsaUrl: config.tsaUrl };
  };

  return {
    mode,
    async signByDigest({ registryClient, repository, digest }: SignByDigestOptions): Promise<DigestSignature> {
      const ref = `${registryClient.registry}/${repository}@${digest}`;
      try {
        splitDigest(digest);
        const statement = Buffer.from(JSON.stringify(signStatement(digest)));
        const bundle = await createDsseBundle(await builderConfig(), statement);
        const attached = await attachBundle(registryClient, repository, digest, JSON.stringify(bundle), COSIGN_SIGN_PREDICATE_TYPE);
        const { signature: _signature, ...facts } = bundleFacts(bundle);
        return { bundle, ...attached, ...facts };
      } catch (error) {
        throw signingFailed(error, ref, config.chart);
      }
    },
    async signBlob(path: string): Promise<BlobSignature> {
      try {
        const data = await readFile(path);
        const bundle = await createMessageBundle(await builderConfig(), data);
        const { signature, ...facts } = bundleFacts(bundle);
        const signaturePath = `${path}.sig`;
        const bundlePath = `${path}.sigstore.json`;
        await writeFile(signaturePath, signature ?? '');
        await writeFile(bundlePath, `${JSON.stringify(bundle)}\n`);
        return { signaturePath, bundlePath, ...facts };
      } catch (error) {
        throw signingFailed(error, path, config.chart);
      }
    },
  };
}
