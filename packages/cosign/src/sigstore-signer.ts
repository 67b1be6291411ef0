import { readFile, writeFile } from 'node:fs/promises';
import { createDsseBundle, createMessageBundle, PUBLIC_REKOR_URL, type BundleBuilderConfig } from './bundle-builder.ts';
import { bundleFacts } from './bundle-facts.ts';
import { resolveIdentityToken } from './identity-token.ts';
import { attachLegacySignature, issuerChainPem } from './legacy-attach.ts';
import { ANNOTATION_CERTIFICATE, legacyLayerAnnotations, simpleSigningPayload } from './legacy-signature.ts';
import { attachBundle } from './referrer.ts';
import { signingFailed } from './sign-errors.ts';
import { loadSigningKey, type SigningKey } from './signing-key.ts';
import { COSIGN_SIGN_PREDICATE_TYPE, signStatement, splitDigest } from './statement.ts';
import { loadTrustedRoot } from './trust.ts';
import type { AttestByDigestOptions, BlobSignature, DigestAttestation, DigestSignature, SignByDigestOptions, Signer, SigningConfig } from './types.ts';

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

  // cosign v2's layout: a message signature over the simple-signing payload, the CA chain from the trusted root
  const signLegacy = async ({ registryClient, repository, digest }: SignByDigestOptions) => {
    const payload = simpleSigningPayload(`${registryClient.registry}/${repository}`, digest);
    const bundle = await createMessageBundle(await builderConfig(), payload);
    const leaf = legacyLayerAnnotations(bundle)[ANNOTATION_CERTIFICATE];
    const chain = leaf
      ? await loadTrustedRoot(config.trustedRootPath).then(
          (root) => issuerChainPem(leaf, root),
          () => undefined,
        )
      : undefined;
    const { tag } = await attachLegacySignature(registryClient, repository, digest, payload, bundle, chain);
    return { bundle, legacyRef: `${registryClient.registry}/${repository}:${tag}` };
  };

  return {
    mode,
    async signByDigest(options: SignByDigestOptions): Promise<DigestSignature> {
      const { registryClient, repository, digest } = options;
      const ref = `${registryClient.registry}/${repository}@${digest}`;
      const layout = config.layout ?? 'both';
      try {
        splitDigest(digest);
        let signed: DigestSignature | undefined;
        if (layout !== 'legacy') {
          const statement = Buffer.from(JSON.stringify(signStatement(digest)));
          const bundle = await createDsseBundle(await builderConfig(), statement);
          const attached = await attachBundle(registryClient, repository, digest, JSON.stringify(bundle), COSIGN_SIGN_PREDICATE_TYPE);
          signed = { bundle, ...attached };
        }
        if (layout !== 'bundle') {
          const legacy = await signLegacy(options);
          signed = signed ? { ...signed, legacyRef: legacy.legacyRef } : legacy;
        }
        const { signature: _signature, ...facts } = bundleFacts(signed!.bundle);
        return { ...signed!, ...facts };
      } catch (error) {
        throw signingFailed(error, ref, config.chart);
      }
    },
    async attestByDigest({ registryClient, repository, digest, statement, store }: AttestByDigestOptions): Promise<DigestAttestation> {
      const ref = `${registryClient.registry}/${repository}@${digest}`;
      try {
        splitDigest(digest);
        const bundle = await createDsseBundle(await builderConfig(), Buffer.from(JSON.stringify(statement)));
        // stored first: a re-run after a crash finds it by digest and attaches it rather than signing again
        const storedId = store ? await store(bundle) : undefined;
        const attached = await attachBundle(registryClient, repository, digest, JSON.stringify(bundle), statement.predicateType);
        const { signature: _signature, ...facts } = bundleFacts(bundle);
        return { bundle, predicateType: statement.predicateType, ...attached, ...(storedId !== undefined ? { storedId } : {}), ...facts };
      } catch (error) {
        throw signingFailed(error, `an attestation of ${ref}`, config.chart);
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
