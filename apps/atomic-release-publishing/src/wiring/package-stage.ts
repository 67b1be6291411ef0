import { mkdir, rename, stat } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
import { execa } from 'execa';
import { registerSecret, ReleaseError, type Logger } from '@chart-release/core';
import type { ChartMetadata } from '@chart-release/chart-metadata';
import {
  ChartDependencyError,
  DependencyFetcher,
  lintChart,
  packageChart,
  registryDependencyRepository,
  satisfiesConstraint,
  wantedVersion,
  type DependencyRequest,
  type RegistryCredentials,
} from '@chart-release/oci';
import { chartIdentityProblems } from '../chart-identity.ts';
import { runBounded } from '../concurrency.ts';
import { listCharts } from '@chart-release/changed-charts';
import type { ReleaseConfig } from '../config.ts';
import { checkPackageSize } from '../package-size.ts';
import { chartsOfPush, type PlannedChart, type ReleasePlan } from '../plan.ts';
import type { Problem, Stage } from '../stage.ts';
import { fileSha256 } from './files.ts';

/** helm and the environment it runs in (its own state folders, kept out of the user's when the environment names them). */
export interface HelmContext {
  binary: string;
  env: Record<string, string>;
}

/** helm's variables of the environment (`HELM_*`). */
export function helmContext(config: ReleaseConfig, env: NodeJS.ProcessEnv): HelmContext {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (k.startsWith('HELM_') && v !== undefined) out[k] = v;
  return { binary: config.helm, env: out };
}

/**
 * Packages each chart reproducibly into the plan's package path, on a copy of its folder (the checkout is never
 * written), its dependencies fetched once per run and shared across charts; a sibling released in the same push
 * that a chart's dependency asks for is packaged first and placed into it (in a matrix leg too: the sibling is only
 * packaged there, its own leg pushes and releases it). Its preflight reports every dependency
 * that could not be had, lints every package as chart-testing does (`lint` of the config: error, warn or off), checks the package size, and that no other chart folder has a planned
 * chart's name.
 */
export function createPackageStage(config: ReleaseConfig, helm: HelmContext, registry?: { credentials?: RegistryCredentials }): Stage<'packaged'> {
  for (const r of config.dependencies.repositories) if (r.password) registerSecret(r.password);
  const fetcher = new DependencyFetcher({
    dir: join(config.workDir, 'dependencies'),
    helm,
    repositories: [...config.dependencies.repositories, registryDependencyRepository(config.registry, registry?.credentials, config.plainHttp)],
  });
  const dependencyProblems: ReleaseError[] = [];
  const packaged = new Map<string, Promise<{ file: string; sha256: string }>>();
  const siblingRepositories = publishedAt(config);

  // which chart waits for which sibling's package: of siblings that depend on each other, the second fetches
  // (and is told the version is not published yet) instead of both waiting forever
  const waitsFor = new Map<string, Set<string>>();
  const waits = (from: string, to: string): boolean => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length) {
      const next = stack.pop()!;
      if (next === to) return true;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(waitsFor.get(next) ?? []));
    }
    return false;
  };

  const packageOnce = (chart: PlannedChart, plan: ReleasePlan, log: Logger): Promise<{ file: string; sha256: string }> => {
    let pending = packaged.get(chart.name);
    if (!pending) {
      pending = (async () => {
        const destination = dirname(chart.packagePath);
        await mkdir(destination, { recursive: true });
        let result;
        try {
          result = await packageChart({
            chartDir: chart.dir,
            destination,
            scratchDir: join(config.workDir, 'scratch'),
            helm,
            logger: log,
            dependencies: fetcher,
            // the same chart content must give the same archive, or a re-run could not find what an earlier one pushed
            mtime: await lastChangeTime(config.cwd, plan.head, chart.path),
            localPackage: async (request, parent) => {
              // a matrix leg's plan holds its own chart; the push's other charts are its siblings all the same
              const sibling = siblingFor(request, parent, chart, chartsOfPush(plan), siblingRepositories);
              if (!sibling || waits(sibling.name, chart.name)) return undefined;
              waitsFor.set(chart.name, (waitsFor.get(chart.name) ?? new Set()).add(sibling.name));
              log.info(`${request.name} ${sibling.version} from this push`);
              return (await packageOnce(sibling, plan, log)).file;
            },
          });
        } catch (error) {
          // every one is reported by the preflight; the chart's packaging fails with the first (one report line each)
          if (error instanceof ChartDependencyError) {
            dependencyProblems.push(...error.problems);
            throw error.problems[0]!;
          }
          throw error;
        }
        if (result.tgz !== chart.packagePath) await rename(result.tgz, chart.packagePath);
        return { file: chart.packagePath, sha256: await fileSha256(chart.packagePath) };
      })();
      packaged.set(chart.name, pending);
    }
    return pending;
  };

  return {
    name: 'packaged',
    phase: 'prepare',
    verb: 'packaging',
    async preflight(plan, prepared) {
      // packaging is over: the helm configuration holding dependency credentials goes
      await fetcher.dispose();
      // every dependency that could not be fetched, of every chart (packaging stopped at none of them)
      const problems: Problem[] = [...dependencyProblems];
      // as chart-testing lints: once per ci/*-values.yaml, on the archive (it holds the fetched dependencies)
      const lint = runBounded(config.lint === 'off' ? [] : plan.charts, Math.max(2, config.concurrency), async (chart) => {
        const pkg = prepared.get(chart.name)?.packaged;
        if (!pkg) return; // not packaged: packaging reported why
        const { errors } = await lintChart({ chart: chart.name, target: pkg.file, chartDir: chart.dir, chartPath: chart.path, helm });
        if (config.lint === 'warn') problems.push(...errors.map((e) => ({ warning: `${e.message} (lint: warn)`, chart: chart.name, file: e.file })));
        else problems.push(...errors);
      });
      const sizes = runBounded(plan.charts, config.concurrency, async (chart) => {
        const pkg = prepared.get(chart.name)?.packaged;
        const problem = pkg && checkPackageSize(chart, (await stat(pkg.file)).size, config.maxPackageSize);
        if (problem) problems.push(problem);
      });
      // planned charts among themselves are checked before packaging; here against every chart folder of the repository
      const identity = listCharts(config.cwd, config.chartDirs).then((all) => problems.push(...chartIdentityProblems(plan.charts, all).errors));
      await Promise.all([lint, sizes, identity]);
      return problems;
    },
    run: (chart, _inputs, { plan, log }) => packageOnce(chart, plan, log),
    report: (output) => `sha256:${output.sha256.slice(0, 12)}`,
  };
}

/**
 * The planned chart (other than `chart`) that stands for a dependency: same name, the dependency points where this
 * repository publishes (the registry, the Pages index, or the sibling's folder by file://), and its new version is
 * the one the dependency asks for (Chart.lock's version, else the constraint).
 */
export function siblingFor<C extends Pick<PlannedChart, 'name' | 'version' | 'dir'>>(
  request: DependencyRequest,
  parent: Pick<ChartMetadata, 'name'>,
  chart: Pick<PlannedChart, 'name' | 'dir'>,
  planned: readonly C[],
  published: readonly string[],
): C | undefined {
  if (parent.name !== chart.name) return undefined; // a file:// dependency's own dependencies resolve as usual
  const sibling = planned.find((c) => c.name === request.name && c.name !== chart.name);
  if (!sibling || !satisfiesConstraint(sibling.version, wantedVersion(request))) return undefined;
  const source = request.source;
  if (source.kind === 'file') return resolve(chart.dir, source.path) === resolve(sibling.dir) ? sibling : undefined;
  if (source.kind === 'registry' || source.kind === 'repository') return published.includes(source.url.toLowerCase()) ? sibling : undefined;
  return undefined;
}

// where this repository's charts are published: the registry, and the Helm index on GitHub Pages
function publishedAt(config: ReleaseConfig): string[] {
  const urls = [config.registry.toLowerCase()];
  const [owner, name] = config.github.repository?.split('/') ?? [];
  if (owner && name && config.index.enabled) {
    const folder = posix.dirname(config.index.path);
    urls.push(`https://${owner.toLowerCase()}.github.io/${name.toLowerCase()}${folder === '.' ? '' : `/${folder}`}`);
  }
  return urls;
}

/** Time of the last commit that touched `path` at `head` (seconds resolution), the archive's reproducible mtime. */
async function lastChangeTime(cwd: string, head: string, path: string): Promise<Date> {
  const r = await execa('git', ['log', '-1', '--format=%ct', head || 'HEAD', '--', path], { cwd, reject: false });
  const seconds = Number(r.stdout.trim());
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date(Date.UTC(2000, 0, 1));
}
