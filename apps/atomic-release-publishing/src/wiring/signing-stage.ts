import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { ReleaseError, type Logger } from '@chart-release/core';
import { COSIGN_SIGN_PREDICATE_TYPE, createSigner, findBundles, type Signer, type SigningConfig } from '@chart-release/cosign';
import type { ReleaseConfig } from '../config.ts';
import type { PackagedChart, PushedChart, SignedChart } from '../publish.ts';
import type { PlannedChart, ReleasePlan } from '../plan.ts';
import type { RegistryContext } from './clients.ts';

/** The signing part of a run: one signer, a digest signature per chart (reused on re-runs) and a blob signature. */
export function createSigningStage(config: ReleaseConfig, registry: RegistryContext, env: NodeJS.ProcessEnv, logger: Logger) {
  let signer: Signer | undefined;
  const signingConfig = (chart?: string): SigningConfig => ({
    mode: config.signing.mode,
    fulcioUrl: config.signing.fulcioUrl,
    rekorUrl: config.signing.rekorUrl,
    tsaUrl: config.signing.tsaUrl,
    trustedRootPath: config.signing.trustedRoot,
    keyPath: config.signing.keyPath,
    chart,
  });
  const getSigner = () => (signer ??= createSigner(signingConfig()));

  return {
    /** The backend resolves and has what it needs (an OIDC token source, a key, a cosign binary). */
    async preflight(_plan: ReleasePlan): Promise<void> {
      if (config.signing.mode === 'none') return;
      const s = getSigner();
      if (s.mode === 'sigstore' && !env.SIGSTORE_ID_TOKEN && !env.ACTIONS_ID_TOKEN_REQUEST_URL) {
        throw new ReleaseError('SIGNING_UNAVAILABLE', 'keyless signing needs an OIDC identity token, and none is available.', {
          hint: "give the job `permissions: id-token: write` (Actions), set SIGSTORE_ID_TOKEN, or choose signing 'key' or 'none'.",
        });
      }
      if (s.mode === 'key' && !config.signing.keyPath && !env.CHART_RELEASE_SIGNING_KEY) {
        throw new ReleaseError('SIGNING_UNAVAILABLE', "signing mode 'key' needs a key, and none is configured.", {
          hint: 'set CHART_RELEASE_SIGNING_KEY (PEM) or `signing.keyPath` in .chart-release.yaml.',
        });
      }
      if (s.mode === 'key' && config.signing.keyPath && !existsSync(config.signing.keyPath)) {
        throw new ReleaseError('SIGNING_UNAVAILABLE', `signing key ${config.signing.keyPath} does not exist.`, {
          file: config.signing.keyPath,
          hint: 'fix signing.keyPath.',
        });
      }
    },

    /** Signs the pushed digest (unless a signature is already attached) and the package as a blob. */
    async sign(chart: PlannedChart, pkg: PackagedChart, pushed: PushedChart, log: Logger): Promise<SignedChart> {
      if (config.signing.mode === 'none') {
        log.warn('not signed: signing is set to none (the release notes say so)');
        return { mode: 'none' };
      }
      const s = getSigner();
      const repository = registry.repositoryOf(chart.name);
      const attached = await findBundles(registry.client, repository, pushed.digest, COSIGN_SIGN_PREDICATE_TYPE);
      let referrerDigest: string | undefined = attached[0]?.referrerDigest;
      if (referrerDigest) {
        log.info(`signature already attached to ${pushed.digest} (${referrerDigest}); not signing again`);
      } else {
        referrerDigest = (await s.signByDigest({ registryClient: registry.client, repository, digest: pushed.digest })).referrerDigest;
        log.info(`signed ${pushed.digest} (${s.mode}); signature ${referrerDigest}`);
      }
      const bundlePath = `${pkg.file}.sigstore.json`;
      const signaturePath = `${pkg.file}.sig`;
      if (!(await blobBundleCovers(bundlePath, signaturePath, pkg.sha256))) {
        await s.signBlob(pkg.file);
        log.info(`signed ${chart.packageFile} as a blob`);
      }
      logger.debug(`${chart.name}: signatures ready`);
      return { mode: s.mode as SignedChart['mode'], referrerDigest, signaturePath, bundlePath };
    },
  };
}

/** Whether an earlier attempt's blob bundle and signature exist and cover a file with this sha256. */
async function blobBundleCovers(bundlePath: string, signaturePath: string, sha256: string): Promise<boolean> {
  if (!existsSync(bundlePath) || !existsSync(signaturePath)) return false;
  try {
    const bundle = JSON.parse(await readFile(bundlePath, 'utf8')) as { messageSignature?: { messageDigest?: { digest?: string } } };
    const digest = bundle.messageSignature?.messageDigest?.digest;
    return digest !== undefined && Buffer.from(digest, 'base64').toString('hex') === sha256;
  } catch {
    return false;
  }
}
