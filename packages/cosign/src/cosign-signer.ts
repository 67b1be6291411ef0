import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerSecret, ReleaseError } from '@chart-release/core';
import { bundleFacts } from './bundle-facts.ts';
import {
  classifyVerifyFailure,
  cosignErrorLine,
  cosignSignArgs,
  cosignSignBlobArgs,
  cosignVerifyArgs,
  cosignVerifyBlobArgs,
  dockerConfigFor,
  parseSignBlobOutput,
  parseVerifyOutput,
  runCosign,
  type CosignVerifiedSignature,
  type CosignServiceOptions,
  type CosignVerifyBlobOptions,
  type CosignVerifyOptions,
} from './cosign-cli.ts';
import { resolveIdentityToken } from './identity-token.ts';
import { findBundles } from './referrer.ts';
import { signingFailed } from './sign-errors.ts';
import { createSigstoreSigner } from './sigstore-signer.ts';
import { COSIGN_SIGN_PREDICATE_TYPE, splitDigest } from './statement.ts';
import type { BlobSignature, DigestSignature, SignByDigestOptions, Signer, SigningConfig } from './types.ts';

/** True for registries cosign must reach over plain HTTP (a local registry in tests and demos). */
export function isLocalRegistry(registry: string): boolean {
  return /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(registry);
}

/** The cosign CLI backend: `cosign sign` / `sign-blob` with typed argv; secrets only in the environment. */
export function createCosignSigner(config: SigningConfig): Signer {
  const binary = config.cosignBinary ?? 'cosign';
  const services: CosignServiceOptions = {
    fulcioUrl: config.fulcioUrl,
    rekorUrl: config.rekorUrl,
    tsaUrl: config.tsaUrl,
    trustedRootPath: config.trustedRootPath,
    keyPath: config.keyPath,
    tlogUpload: config.tlogUpload,
  };
  const secretsEnv = async (): Promise<Record<string, string>> => {
    if (config.keyPath) return config.keyPassword ? { COSIGN_PASSWORD: config.keyPassword } : {};
    return { SIGSTORE_ID_TOKEN: await resolveIdentityToken(config) };
  };
  const withTemp = async <T>(fn: (dir: string) => Promise<T>): Promise<T> => {
    const dir = await mkdtemp(join(tmpdir(), 'chart-sign-'));
    try {
      return await fn(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };

  return {
    mode: 'cosign',
    async signByDigest({ registryClient, repository, digest }: SignByDigestOptions): Promise<DigestSignature> {
      const reference = `${registryClient.registry}/${repository}@${digest}`;
      try {
        splitDigest(digest);
        return await withTemp(async (dir) => {
          const bundlePath = join(dir, 'bundle.json');
          const args = cosignSignArgs({ ...services, reference, bundlePath, allowHttpRegistry: isLocalRegistry(registryClient.registry) });
          const env = await secretsEnv();
          if (config.registryCredentials) {
            registerSecret(config.registryCredentials.password);
            await mkdir(join(dir, 'docker'), { mode: 0o700 });
            await writeFile(join(dir, 'docker', 'config.json'), dockerConfigFor(registryClient.registry, config.registryCredentials), { mode: 0o600 });
            env.DOCKER_CONFIG = join(dir, 'docker');
          }
          const run = await runCosign(binary, args, env);
          if (run.exitCode !== 0)
            throw new ReleaseError('SIGNING_FAILED', `cosign sign ${reference} failed: ${cosignErrorLine(run.stderr)}`, { chart: config.chart });
          const bundle = JSON.parse(await readFile(bundlePath, 'utf8')) as Record<string, unknown>;
          // cosign does not print the referrer it pushed: find it by the signature it carries
          const signatureOf = (b: Record<string, unknown>) => JSON.stringify((b.dsseEnvelope as { signatures?: unknown } | undefined)?.signatures);
          const attached = (await findBundles(registryClient, repository, digest, COSIGN_SIGN_PREDICATE_TYPE)).find(
            (f) => signatureOf(f.bundle) === signatureOf(bundle),
          );
          if (!attached)
            throw new ReleaseError('SIGNING_FAILED', `cosign signed ${reference} but its bundle is not among the manifest's referrers.`, {
              chart: config.chart,
            });
          const { signature: _signature, ...facts } = bundleFacts(bundle);
          return {
            bundle,
            referrerDigest: attached.referrerDigest,
            referrerRef: `${registryClient.registry}/${repository}@${attached.referrerDigest}`,
            ...facts,
          };
        });
      } catch (error) {
        throw signingFailed(error, reference, config.chart);
      }
    },
    // cosign attests with an in-toto predicate file, not a whole statement; sigstore-js signs the same DSSE bundle
    attestByDigest: (options) => createSigstoreSigner(config, config.keyPath ? 'key' : 'sigstore').attestByDigest(options),
    async signBlob(path: string): Promise<BlobSignature> {
      try {
        const bundlePath = `${path}.sigstore.json`;
        const signaturePath = `${path}.sig`;
        const run = await runCosign(binary, cosignSignBlobArgs({ ...services, file: path, bundlePath }), await secretsEnv());
        if (run.exitCode !== 0)
          throw new ReleaseError('SIGNING_FAILED', `cosign sign-blob ${path} failed: ${cosignErrorLine(run.stderr)}`, { chart: config.chart });
        const { signature, ...facts } = bundleFacts(JSON.parse(await readFile(bundlePath, 'utf8')) as Record<string, unknown>);
        // cosign v3 writes only the bundle in the bundle format; older releases also print the base64 signature
        await writeFile(signaturePath, signature ?? parseSignBlobOutput(run.stdout));
        return { signaturePath, bundlePath, ...facts };
      } catch (error) {
        throw signingFailed(error, path, config.chart);
      }
    },
  };
}

/** `cosign verify` / `verify-blob`; a failure becomes SIGNATURE_NOT_FOUND, UNTRUSTED_SIGNER or SIGNATURE_INVALID. */
export async function verifyWithCosign(
  binary: string,
  options: ({ kind: 'digest' } & CosignVerifyOptions) | ({ kind: 'blob' } & CosignVerifyBlobOptions),
): Promise<{ signatures: CosignVerifiedSignature[] }> {
  const args = options.kind === 'digest' ? cosignVerifyArgs(options) : cosignVerifyBlobArgs(options);
  const run = await runCosign(binary, args);
  const subject = options.kind === 'digest' ? options.reference : options.file;
  if (run.exitCode !== 0) throw new ReleaseError(classifyVerifyFailure(run.stderr), `cosign ${args[0]} ${subject}: ${cosignErrorLine(run.stderr)}`);
  if (options.kind === 'blob') return { signatures: [] };
  const signatures = parseVerifyOutput(run.stdout);
  const digest = options.reference.slice(options.reference.lastIndexOf('@') + 1);
  if (!signatures.some((s) => s.digest === digest)) {
    throw new ReleaseError('SIGNATURE_INVALID', `cosign verify ${subject} succeeded, but none of the signatures it reports covers ${digest}.`);
  }
  return { signatures };
}
