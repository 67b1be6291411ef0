import { collectLineage } from '@chart-release/attestation-map';
import { readChartYaml } from '@chart-release/chart-metadata';
import type { Logger } from '@chart-release/core';
import { resolveSigningMode } from '@chart-release/cosign';
import { describeGitHubError } from '@chart-release/github-client';
import { join } from 'node:path';
import { releaseTag, releaseTagGlob, isSourceFileKind, resolveReleaseSourceFiles, type GitHubClient, type RepositoryRef } from '@chart-release/github-release';
import { listCharts } from '@chart-release/changed-charts';
import type { ReleaseConfig } from '../config.ts';
import type { PlanFacts, ReleasePlan } from '../plan.ts';
import { runBounded } from '../concurrency.ts';
import { asProblem } from '../preflight.ts';
import type { GatheredFacts } from '../publish.ts';
import type { Problem } from '../stage.ts';
import { provenanceWanted, signingConfigOf } from './signing-stage.ts';

/**
 * Reads what the plan needs besides detection, side by side and read-only but for the work folder: the number of
 * charts in the repository (make-latest), each planned chart's Chart.yaml fields and release files (a generated
 * CHANGELOG is written into the work folder), the signing mode `auto` resolves to, and the merged pull request's
 * lineage. A read that fails is a problem reported with preflight's, not a stop.
 */
export async function gatherPlanFacts(
  outline: ReleasePlan,
  config: ReleaseConfig,
  gh: () => { octokit: GitHubClient; repo: RepositoryRef },
  logger: Logger,
  env: NodeJS.ProcessEnv,
): Promise<GatheredFacts> {
  const problems: Problem[] = [];
  const facts: PlanFacts = {};
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (error) {
      problems.push(asProblem(error, what));
    }
  };
  await Promise.all([
    attempt('repository', async () => {
      facts.chartCount = (await listCharts(config.cwd, config.chartDirs)).length;
    }),
    attempt('signing', async () => {
      facts.signingMode = config.signing.mode === 'none' ? 'none' : resolveSigningMode(signingConfigOf(config));
      facts.provenance = provenanceWanted(config, facts.signingMode);
    }),
    attempt('chart', async () => {
      // the chart's own CHANGELOG, README and LICENSE, else the repository's LICENSE and a CHANGELOG generated into
      // the work folder; kinds in release.requiredAssets must be the chart's own
      const ownOnly = config.release.requiredAssets.filter(isSourceFileKind);
      // bounded: each chart without a CHANGELOG reads its commits with git
      const settled = await runBounded(outline.charts, Math.max(4, config.concurrency), async (c) => {
        const m = await readChartYaml(c.dir);
        const files = await resolveReleaseSourceFiles({
          chart: { name: c.name, version: c.version, annotations: m.annotations },
          chartDir: c.dir,
          chartPath: c.path,
          repositoryRoot: config.cwd,
          tagGlob: releaseTagGlob(config.release.tagTemplate, c.name),
          currentTag: c.gitTag,
          ...(c.previousVersion ? { previousTag: releaseTag(config.release.tagTemplate, { name: c.name, version: c.previousVersion }) } : {}),
          head: outline.head,
          outDir: join(config.workDir, 'release-files', c.name),
          ownOnly,
        });
        return [c.name, { appVersion: m.appVersion, description: m.description, dependencies: m.dependencies }, files] as const;
      });
      const failed = settled.find((r): r is { status: 'rejected'; reason: unknown } => r.status === 'rejected');
      if (failed) throw failed.reason;
      const entries = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      facts.metadata = Object.fromEntries(entries.map(([name, metadata]) => [name, metadata]));
      facts.sourceFiles = Object.fromEntries(entries.map(([name, , files]) => [name, files]));
    }),
    attempt('lineage', async () => {
      const { octokit, repo } = gh();
      const collected = await collectLineage(octokit, {
        owner: repo.owner,
        repo: repo.repo,
        sha: outline.head,
        charts: outline.charts.map((c) => ({ name: c.name, version: c.version, tag: c.gitTag, ociDigest: null })),
        allowedAuthors: config.lineage.allowedAuthors,
        onMissingPr: config.lineage.onMissingPr,
        baseBranch: env.GITHUB_REF_NAME,
        logger,
      }).catch((error: unknown) => {
        throw describeGitHubError(error, {
          doing: 'reading the merged pull request and its attestation map',
          repository: `${repo.owner}/${repo.repo}`,
          permission: 'pull-requests: read',
        });
      });
      facts.lineage = collected.lineages;
      if (collected.pullRequest) facts.pullRequest = { number: collected.pullRequest.number, url: collected.pullRequest.url };
      problems.push(...collected.warnings.map((warning) => ({ warning })));
    }),
  ]);
  return { facts, problems };
}
