import { X509Certificate } from 'node:crypto';
import type { Logger } from '@chart-release/core';
import {
  blobBundleCovers,
  bundleFacts,
  checkReady,
  COSIGN_SIGN_PREDICATE_TYPE,
  createSigner,
  findBundles,
  findLegacySignatures,
  resolveSigningMode,
  type Signer,
  type SigningConfig,
} from '@chart-release/cosign';
import type { ReleaseConfig } from '../config.ts';
import type { PlannedChart } from '../plan.ts';
import type { PlannedWrite, SignedChart, Stage } from '../stage.ts';
import type { RegistryContext } from './clients.ts';

/** How the run signs, as the cosign package takes it. */
export function signingConfigOf(config: ReleaseConfig, chart?: string): SigningConfig {
  return {
    mode: config.signing.mode,
    layout: config.signing.layout,
    fulcioUrl: config.signing.fulcioUrl,
    rekorUrl: config.signing.rekorUrl,
    tsaUrl: config.signing.tsaUrl,
    trustedRootPath: config.signing.trustedRoot,
    keyPath: config.signing.keyPath,
    chart,
  };
}

/** Whether the run makes build provenance: configured, and signing keyless (provenance binds the workflow identity). */
export function provenanceWanted(config: ReleaseConfig, mode = resolveSigningMode(signingConfigOf(config))): boolean {
  return config.signing.provenance && (mode === 'sigstore' || mode === 'cosign');
}

/** Where a chart's signatures go in the registry: a referrer (and the referrers tag), the `.sig` tag, or both. */
export function signatureWrites(chart: PlannedChart, layout: ReleaseConfig['signing']['layout'], stage: string, what: string): PlannedWrite[] {
  const subject = `${chart.ociRepository}:sha256-<digest of ${chart.ociTag}>`;
  return [
    ...(layout !== 'legacy'
      ? [
          { stage, chart: chart.name, system: 'registry' as const, kind: 'referrer', target: `${chart.ociRef} <- ${what}` },
          // registries without the referrers API list referrers under this tag (the OCI referrers tag schema)
          { stage, chart: chart.name, system: 'registry' as const, kind: 'tag', target: subject },
        ]
      : []),
    ...(layout !== 'bundle' && what === 'signature' ? [{ stage, chart: chart.name, system: 'registry' as const, kind: 'tag', target: `${subject}.sig` }] : []),
  ];
}

/** The signing stage: one signer, a digest signature per chart (reused on re-runs) and a blob signature. */
export function createSigningStage(config: ReleaseConfig, registry: RegistryContext, env: NodeJS.ProcessEnv, logger: Logger): Stage<'signed'> {
  let signer: Signer | undefined;
  const getSigner = () => (signer ??= createSigner(signingConfigOf(config)));

  return {
    name: 'signed',
    phase: 'chart',
    verb: 'signing',
    writes: (plan) => (plan.signing.mode === 'none' ? [] : plan.charts.flatMap((c) => signatureWrites(c, plan.signing.layout, 'signed', 'signature'))),

    /**
     * Everything signing needs, checked without signing (cosign's checkReady): the backend, the OIDC token (audience,
     * expiry, an issuer Fulcio accepts, the workflow claims provenance is made from), Fulcio and Rekor answering, the key.
     */
    async preflight(plan) {
      if (plan.signing.mode === 'none') return [];
      return checkReady(signingConfigOf(config), { env, provenance: plan.signing.provenance });
    },

    /** Signs the pushed digest (unless a signature is already attached) and the package as a blob. */
    async run(chart, inputs, { log }) {
      const pkg = inputs.packaged!;
      const pushed = inputs.pushed!;
      if (config.signing.mode === 'none') {
        log.warn('not signed: signing is set to none (the release notes say so)');
        return { mode: 'none' };
      }
      const s = getSigner();
      const repository = registry.repositoryOf(chart.name);
      const legacyOnly = config.signing.layout === 'legacy';
      const attached = legacyOnly ? [] : await findBundles(registry.client, repository, pushed.digest, COSIGN_SIGN_PREDICATE_TYPE);
      const attachedLegacy = legacyOnly ? await findLegacySignatures(registry.client, repository, pushed.digest) : [];
      let referrerDigest: string | undefined = attached[0]?.referrerDigest;
      // identity and issuer as the certificate states them, for the manifest
      let facts = attached[0] ? bundleFacts(attached[0].bundle) : {};
      if (referrerDigest || attachedLegacy.length) {
        log.info(`signature already attached to ${pushed.digest} (${referrerDigest ?? 'the .sig tag'}); not signing again`);
        if (attachedLegacy[0]) facts = certificateFacts(attachedLegacy[0].annotations['dev.sigstore.cosign/certificate']);
      } else {
        const signed = await s.signByDigest({ registryClient: registry.client, repository, digest: pushed.digest });
        referrerDigest = signed.referrerDigest;
        facts = { certificateIdentity: signed.certificateIdentity, issuer: signed.issuer };
        log.info(`signed ${pushed.digest} (${s.mode}); signature ${referrerDigest ?? signed.legacyRef}`);
      }
      const bundlePath = `${pkg.file}.sigstore.json`;
      const signaturePath = `${pkg.file}.sig`;
      if (!(await blobBundleCovers(bundlePath, signaturePath, pkg.sha256))) {
        await s.signBlob(pkg.file);
        log.info(`signed ${chart.packageFile} as a blob`);
      }
      logger.debug(`${chart.name}: signatures ready`);
      return {
        mode: s.mode as SignedChart['mode'],
        referrerDigest,
        signaturePath,
        bundlePath,
        ...(facts.certificateIdentity ? { certificateIdentity: facts.certificateIdentity } : {}),
        ...(facts.issuer ? { issuer: facts.issuer } : {}),
      };
    },
    report(output, line) {
      line.signature = { mode: output.mode, referrer: output.referrerDigest };
      return output.mode;
    },
  };
}

function certificateFacts(pem: string | undefined): { certificateIdentity?: string; issuer?: string } {
  if (!pem) return {};
  return bundleFacts({ verificationMaterial: { certificate: { rawBytes: new X509Certificate(pem).raw.toString('base64') } } });
}
