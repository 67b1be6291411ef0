import { mkdir, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { ReleaseError, type Logger } from '@chart-release/core';
import { detectChangedCharts } from '@chart-release/changed-charts';
import { packageChart, planPush, pushChart } from '@chart-release/oci';
import { chartIdentityProblems } from '../chart-identity.ts';
import { checkPackageSize } from '../package-size.ts';
import { runBounded } from '../concurrency.ts';
import type { ReleaseConfig } from '../config.ts';
import type { ChartArtifacts, DraftedRelease, PackagedChart, PublishSteps, PushedChart, SignedChart } from '../publish.ts';
import type { PlannedChart, ReleasePlan } from '../plan.ts';
import { githubContext, registryContext } from './clients.ts';
import { fileSha256 } from './files.ts';
import { makeArchiveReproducible } from './reproducible.ts';
import { listRepositoryCharts } from './repository-charts.ts';
import { createReleaseStage } from './release-stage.ts';
import { createLineageStage } from './lineage-stage.ts';
import { createSigningStage } from './signing-stage.ts';
import { createAttestStage } from './attest-stage.ts';
import { createIndexStage, skipAdoptedReleases, type IndexedChart } from './index-stage.ts';

export interface StepContext {
  base?: string;
  head?: string;
  env: NodeJS.ProcessEnv;
  logger: Logger;
  dryRun?: boolean;
}

/** The real steps of a publish run: git, helm, the OCI registry, Sigstore and GitHub, as configured. */
export async function createPublishSteps(config: ReleaseConfig, ctx: StepContext): Promise<PublishSteps> {
  const { env, logger } = ctx;
  const registry = registryContext(config, env, logger);
  const helm = { binary: config.helm, env: helmEnv(env) };
  let head = ctx.head ?? '';
  let github: ReturnType<typeof githubContext> | undefined;
  const gh = () => (github ??= githubContext(config, logger));
  const signing = createSigningStage(config, registry, env, logger);
  const attest = createAttestStage(config, registry, gh, logger);
  const lineage = createLineageStage(config, gh, logger, env);
  const release = createReleaseStage(config, gh, logger);
  const index = createIndexStage(config, gh, registry, logger);
  const indexed = (chart: PlannedChart, pkg: PackagedChart): IndexedChart => ({ ...chart, gitTag: chart.gitTag, packageFile: pkg.file, sha256: pkg.sha256 });

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
      head = result.head;
      return { ...result, charts: await skipAdoptedReleases(config, result.charts) };
    },

    async package(chart: PlannedChart, log: Logger): Promise<PackagedChart> {
      const destination = join(config.workDir, 'packages');
      await mkdir(destination, { recursive: true });
      const packaged = await packageChart({ chartDir: chart.dir, destination, helm, logger: log, restoreChartFolder: ctx.dryRun });
      // the same chart content must give the same archive, or a re-run could not find what an earlier one pushed
      await makeArchiveReproducible(packaged.tgz, await lastChangeTime(config.cwd, head, chart.path));
      const file = join(destination, chart.packageFile);
      if (packaged.tgz !== file) await rename(packaged.tgz, file);
      return { file, sha256: await fileSha256(file) };
    },

    async preflight(plan: ReleasePlan, packages: Map<string, PackagedChart>) {
      const errors: ReleaseError[] = [];
      const warnings: string[] = [];
      const collect = async (fn: () => Promise<unknown>) => {
        try {
          await fn();
        } catch (error) {
          errors.push(asError(error));
        }
      };
      // registry: credentials can push, and no version tag holds other content; charts lint; GitHub: token,
      // repository, releases that cannot change, source assets, the pull request's attestation map; signing ready.
      // Independent checks run side by side; each chart's checks run with the run's concurrency.
      const registryChecks = async () => {
        let reachable = true;
        await collect(async () => {
          try {
            await registry.client.checkAuth(registry.repositoryOf(plan.charts[0]!.name), ['pull', 'push']);
          } catch (error) {
            reachable = false;
            throw error;
          }
        });
        if (!reachable) return;
        await runBounded(plan.charts, config.concurrency, (chart) =>
          collect(() => planPush({ tgz: packages.get(chart.name)!.file, registry: config.registry, client: registry.client })),
        );
      };
      const lintChecks = () =>
        runBounded(plan.charts, Math.max(2, config.concurrency), (chart) =>
          collect(() => helmLint(config.helm, helm.env, chart, packages.get(chart.name)!.file)),
        );
      const githubChecks = () =>
        collect(async () => {
          gh();
          await Promise.all([release.preflight(plan, packages, errors, warnings), collect(() => lineage.preflight(plan, errors, warnings))]);
        });
      // a planned chart sharing its name with another chart folder of the repository (planned ones among
      // themselves are checked before packaging)
      const sizeChecks = () =>
        runBounded(plan.charts, config.concurrency, async (chart) => {
          const problem = checkPackageSize(chart, (await stat(packages.get(chart.name)!.file)).size, config.maxPackageSize);
          if (problem) errors.push(problem);
        });
      const identityChecks = async () => errors.push(...chartIdentityProblems(plan.charts, await listRepositoryCharts(config)).errors);
      await Promise.all([
        registryChecks(),
        lintChecks(),
        githubChecks(),
        collect(async () => errors.push(...(await signing.preflight(plan)))),
        collect(identityChecks),
        sizeChecks(),
        collect(async () => errors.push(...(await index.preflight(plan.charts.map((c) => indexed(c, packages.get(c.name)!)))))),
      ]);
      // checks ran side by side: report in a stable order
      errors.sort((a, b) => (a.chart ?? '').localeCompare(b.chart ?? '') || a.code.localeCompare(b.code));
      return { errors, warnings };
    },

    async push(chart: PlannedChart, pkg: PackagedChart, log: Logger): Promise<PushedChart> {
      const result = await pushChart({
        tgz: pkg.file,
        registry: config.registry,
        client: registry.client,
        mode: config.pushMode,
        helm: {
          ...helm,
          flags: { plainHttp: config.plainHttp, caFile: config.caFile, insecureSkipTlsVerify: config.insecureSkipTlsVerify },
          credentials: registry.credentials,
        },
        logger: log,
      });
      log.info(`${result.status === 'exists' ? 'already in the registry' : 'pushed'}: ${result.ref}@${result.digest}`);
      return { ref: result.ref, digest: result.digest, status: result.status };
    },

    sign: async (chart: PlannedChart, pkg: PackagedChart, pushed: PushedChart, log: Logger): Promise<SignedChart> => ({
      ...(await signing.sign(chart, pkg, pushed, log)),
      attestation: await attest.run(chart, pushed, log),
    }),

    lineage: (chart: PlannedChart, pushed: PushedChart, log: Logger) => lineage.write(chart, pushed, log),

    draftRelease: (chart: PlannedChart, artifacts: ChartArtifacts, log: Logger): Promise<DraftedRelease> => release.draft(chart, artifacts, head, log),

    publishReleases: (drafts: DraftedRelease[]) => release.publish(drafts),

    deleteDrafts: (drafts: DraftedRelease[]) => release.deleteDrafts(drafts),

    publishIndex: async (charts) => {
      const result = await index.publish(charts.map(({ chart, pkg }) => indexed(chart, pkg)));
      if (result)
        logger.info(
          `${result.branch}:${result.path}: ${result.added.length} added, ${result.unchanged.length} already listed (${result.entries} entries, ${result.bytes} bytes)`,
        );
    },
  };
}

/** Time of the last commit that touched `path` at `head` (seconds resolution), the archive's reproducible mtime. */
async function lastChangeTime(cwd: string, head: string, path: string): Promise<Date> {
  const r = await execa('git', ['log', '-1', '--format=%ct', head || 'HEAD', '--', path], { cwd, reject: false });
  const seconds = Number(r.stdout.trim());
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date(Date.UTC(2000, 0, 1));
}

// lints the packaged archive: it holds the dependencies helm dependency build vendored, the chart folder does not
async function helmLint(binary: string, env: Record<string, string>, chart: PlannedChart, tgz: string): Promise<void> {
  const r = await execa(binary, ['lint', tgz], { env, reject: false });
  if (r.exitCode === 0) return;
  const problems = `${r.stdout}\n${r.stderr}`
    .split('\n')
    .filter((l) => /\[ERROR\]|Error:/.test(l))
    .map((l) => l.trim());
  throw new ReleaseError('CHART_LINT_FAILED', `helm lint failed: ${problems.join('; ') || r.stderr || r.stdout}`, {
    chart: chart.name,
    file: join(chart.path, 'Chart.yaml'),
    hint: `run 'helm lint ${chart.path}' and fix what it reports.`,
  });
}

/** helm's own state folders, kept out of the user's when the environment names them. */
function helmEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('HELM_') && v !== undefined) out[k] = v;
  return out;
}

function asError(error: unknown): ReleaseError {
  if (error instanceof ReleaseError) return error;
  return new ReleaseError('PREFLIGHT_CHECK_FAILED', (error as Error)?.message ?? String(error), { hint: 're-run; if it persists, report it.' });
}
