import { isReleaseError, type Logger } from '@chart-release/core';
import { attachBundle, createSigner, provenanceStatementFor, SLSA_PROVENANCE_V1_PREDICATE_TYPE, verifyAttestation, type Signer } from '@chart-release/cosign';
import { createAttestation, listAttestationBundles, type GitHubClient, type RepositoryRef } from '@chart-release/github-release';
import type { ReleaseConfig } from '../config.ts';
import type { PlannedWrite, Stage } from '../stage.ts';
import type { RegistryContext } from './clients.ts';
import { signatureWrites, signingConfigOf } from './signing-stage.ts';

/**
 * SLSA v1 build provenance per published digest, as actions/attest-build-provenance makes it: signed keyless,
 * stored with GitHub's attestations API, attached in the registry as a referrer. Its readiness is part of the
 * signing preflight (the token's workflow claims). A re-run reuses an attestation GitHub already holds for the
 * digest and this workflow, and attaches it again (the same bundle gives the same referrer).
 */
export function createAttestStage(
  config: ReleaseConfig,
  registry: RegistryContext,
  gh: () => { octokit: GitHubClient; repo: RepositoryRef },
  logger: Logger,
): Stage<'attested'> {
  let signer: Signer | undefined;
  const serverUrl = config.github.serverUrl;

  return {
    name: 'attested',
    phase: 'chart',
    verb: 'attesting',
    writes: (plan) =>
      plan.signing.provenance
        ? plan.charts.flatMap((c): PlannedWrite[] => [
            { stage: 'attested', chart: c.name, system: 'github', kind: 'attestation', target: c.ociRef },
            // the referrers tag is the signature's too: listed once
            ...signatureWrites(c, 'bundle', 'attested', 'provenance').filter((w) => w.kind === 'referrer' || plan.signing.layout === 'legacy'),
          ])
        : [],
    async run(chart, { pushed: p }, { plan, log }) {
      if (!plan.signing.provenance) return null;
      const pushed = p!;
      const repository = registry.repositoryOf(chart.name);
      const { octokit, repo } = gh();
      const existing = await reusable(octokit, repo, pushed.digest);
      if (existing) {
        const attached = await attachBundle(registry.client, repository, pushed.digest, JSON.stringify(existing), SLSA_PROVENANCE_V1_PREDICATE_TYPE);
        log.info(`build provenance of ${pushed.digest} already in GitHub; attached as ${attached.referrerDigest}`);
        return { predicateType: SLSA_PROVENANCE_V1_PREDICATE_TYPE, referrerDigest: attached.referrerDigest, reused: true };
      }
      signer ??= createSigner(signingConfigOf(config));
      const statement = await provenanceStatementFor({ subjectName: `${registry.host}/${repository}`, digest: pushed.digest, serverUrl, chart: chart.name });
      const attested = await signer.attestByDigest({
        registryClient: registry.client,
        repository,
        digest: pushed.digest,
        statement,
        store: (bundle) => createAttestation(octokit, repo, bundle),
      });
      log.info(`build provenance of ${pushed.digest}: GitHub attestation ${String(attested.storedId)}, referrer ${attested.referrerDigest}`);
      return {
        predicateType: attested.predicateType,
        referrerDigest: attested.referrerDigest,
        githubId: attested.storedId as number | undefined,
        reused: false,
      };
    },
  };

  // an attestation of this digest by this workflow that verifies, from an earlier attempt
  async function reusable(octokit: GitHubClient, repo: RepositoryRef, digest: string): Promise<Record<string, unknown> | undefined> {
    if (!config.signing.identity) return undefined;
    const bundles = await listAttestationBundles(octokit, repo, digest);
    for (const bundle of bundles) {
      try {
        await verifyAttestation({
          bundles: [{ bundle, source: 'GitHub attestation' }],
          digest,
          predicateType: SLSA_PROVENANCE_V1_PREDICATE_TYPE,
          policy: { certificateIdentity: config.signing.identity, issuer: config.signing.issuer },
          trustedRootPath: config.signing.trustedRoot,
        });
        return bundle;
      } catch (error) {
        if (!isReleaseError(error)) throw error;
        logger.debug(`an attestation of ${digest} in GitHub does not fit this run: ${error.message}`);
      }
    }
    return undefined;
  }
}
