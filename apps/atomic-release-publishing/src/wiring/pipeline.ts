import type { Logger } from '@chart-release/core';
import { detectChangedCharts } from '@chart-release/changed-charts';
import type { ReleaseConfig } from '../config.ts';
import type { PublishPipeline } from '../publish.ts';
import type { AnyStage } from '../stage.ts';
import { createAttestStage } from './attest-stage.ts';
import { githubContext, registryContext } from './clients.ts';
import { createIndexStage, skipAdoptedReleases } from './index-stage.ts';
import { createLineageStage } from './lineage-stage.ts';
import { createPackageStage, helmContext } from './package-stage.ts';
import { gatherPlanFacts } from './plan-facts.ts';
import { createPushStage } from './push-stage.ts';
import { createReleaseStage } from './release-stage.ts';
import { leaseWrites } from './run-lease.ts';
import { createSigningStage } from './signing-stage.ts';

export interface PipelineContext {
  base?: string;
  head?: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  /** A run that writes takes the run lease (its writes are planned); plan and --dry-run do not. */
  dryRun?: boolean;
}

/** The real publish run: git, helm, the OCI registry, Sigstore and GitHub, as configured; one line per stage. */
export function createPublishPipeline(config: ReleaseConfig, ctx: PipelineContext): PublishPipeline {
  const { env, logger } = ctx;
  const registry = registryContext(config, env, logger);
  const helm = helmContext(config, env);
  let github: ReturnType<typeof githubContext> | undefined;
  const gh = () => (github ??= githubContext(config, logger));

  const stages: AnyStage[] = [
    createPackageStage(config, helm, registry),
    createPushStage(config, registry, helm),
    createSigningStage(config, registry, env, logger),
    createAttestStage(config, registry, gh, logger),
    createLineageStage(gh),
    createReleaseStage(config, gh, logger),
    createIndexStage(config, gh, registry, logger),
  ];

  return {
    async detect() {
      const result = await detectChangedCharts({
        cwd: config.cwd,
        base: ctx.base,
        head: ctx.head,
        chartDirs: config.chartDirs,
        ignore: config.ignore,
        targetBranch: config.targetBranch,
        tagTemplate: config.release.tagTemplate,
        registry: config.registry,
        env,
        logger,
      });
      return { ...result, charts: await skipAdoptedReleases(config, result.charts) };
    },
    gatherFacts: (plan) => gatherPlanFacts(plan, config, gh, logger, env),
    stages,
    writes: () => (config.github.token && config.github.repository ? leaseWrites('publish') : []),
  };
}
