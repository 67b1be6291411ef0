import { mkdir, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { execa } from 'execa';
import { lintChart, packageChart } from '@chart-release/oci';
import { chartIdentityProblems } from '../chart-identity.ts';
import { runBounded } from '../concurrency.ts';
import { listCharts } from '@chart-release/changed-charts';
import type { ReleaseConfig } from '../config.ts';
import { checkPackageSize } from '../package-size.ts';
import type { Problem, Stage } from '../stage.ts';
import { fileSha256 } from './files.ts';
import { makeArchiveReproducible } from './reproducible.ts';

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
 * Packages each chart reproducibly into the plan's package path. Its preflight lints every package as
 * chart-testing does (`lint` of the config: error, warn or off), checks the package size, and that no other chart
 * folder has a planned chart's name.
 */
export function createPackageStage(config: ReleaseConfig, helm: HelmContext, options: { dryRun?: boolean } = {}): Stage<'packaged'> {
  return {
    name: 'packaged',
    phase: 'prepare',
    verb: 'packaging',
    async preflight(plan, prepared) {
      const problems: Problem[] = [];
      // as chart-testing lints: once per ci/*-values.yaml, on the archive (it holds the vendored dependencies)
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
    async run(chart, _inputs, { plan, log }) {
      const destination = dirname(chart.packagePath);
      await mkdir(destination, { recursive: true });
      const packaged = await packageChart({ chartDir: chart.dir, destination, helm, logger: log, restoreChartFolder: options.dryRun });
      // the same chart content must give the same archive, or a re-run could not find what an earlier one pushed
      await makeArchiveReproducible(packaged.tgz, await lastChangeTime(config.cwd, plan.head, chart.path));
      if (packaged.tgz !== chart.packagePath) await rename(packaged.tgz, chart.packagePath);
      return { file: chart.packagePath, sha256: await fileSha256(chart.packagePath) };
    },
    report: (output) => `sha256:${output.sha256.slice(0, 12)}`,
  };
}

/** Time of the last commit that touched `path` at `head` (seconds resolution), the archive's reproducible mtime. */
async function lastChangeTime(cwd: string, head: string, path: string): Promise<Date> {
  const r = await execa('git', ['log', '-1', '--format=%ct', head || 'HEAD', '--', path], { cwd, reject: false });
  const seconds = Number(r.stdout.trim());
  return Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : new Date(Date.UTC(2000, 0, 1));
}
