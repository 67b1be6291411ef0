import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { buildLineage, collectLineage, enrichFromAttestationsApi, lineageFileName, type CollectedLineage } from '@chart-release/attestation-map';
import type { GitHubClient, RepositoryRef } from '@chart-release/github-release';
import type { Logger, ReleaseError } from '@chart-release/core';
import type { ReleaseConfig } from '../config.ts';
import type { PushedChart } from '../publish.ts';
import type { PlannedChart, ReleasePlan } from '../plan.ts';
import { fileSha256, writeJsonFile } from './files.ts';

/** The lineage part of a run: the merged PR and its attestation map read once in preflight, a file per chart. */
export function createLineageStage(config: ReleaseConfig, gh: () => { octokit: GitHubClient; repo: RepositoryRef }, logger: Logger, env: NodeJS.ProcessEnv) {
  let collected: CollectedLineage | undefined;
  return {
    /** Finds the pull request and validates its attestation map (a malformed map is a preflight error). */
    async preflight(plan: ReleasePlan, _errors: ReleaseError[], warnings: string[]): Promise<void> {
      const { octokit, repo } = gh();
      collected = await collectLineage(octokit, {
        owner: repo.owner,
        repo: repo.repo,
        sha: plan.head,
        charts: plan.charts.map((c) => ({ name: c.name, version: c.version, tag: c.gitTag, ociDigest: null })),
        allowedAuthors: config.lineage.allowedAuthors,
        onMissingPr: config.lineage.onMissingPr,
        baseBranch: env.GITHUB_REF_NAME,
        logger,
      });
      warnings.push(...collected.warnings);
    },

    /** Writes `<chart>-attestation-lineage.json` with the pushed digest and what the attestations API knows of it. */
    async write(chart: PlannedChart, pushed: PushedChart, log: Logger): Promise<{ file: string; sha256: string }> {
      if (!collected) throw new Error('internal: lineage was not collected in preflight');
      const { octokit, repo } = gh();
      const prepared = collected.lineages[chart.name];
      const lookup = await enrichFromAttestationsApi(octokit, { owner: repo.owner, repo: repo.repo, subjectDigest: pushed.digest, logger: log });
      const lineage = prepared
        ? { ...prepared, ociDigest: pushed.digest, ociDigestAttestations: lookup }
        : { ...buildLineage({ chart: chart.name, version: chart.version, tag: chart.gitTag, ociDigest: pushed.digest }), ociDigestAttestations: lookup };
      const dir = join(config.workDir, 'lineage');
      await mkdir(dir, { recursive: true });
      const file = join(dir, lineageFileName(chart.name));
      await writeJsonFile(file, lineage);
      return { file, sha256: await fileSha256(file) };
    },
  };
}
