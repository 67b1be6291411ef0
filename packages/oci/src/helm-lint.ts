import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { ReleaseError } from '@chart-release/core';
import { execa } from 'execa';
import type { HelmRunner } from './helm-cli.ts';

/** One `[ERROR]` helm lint reported, with the template and line it names when it names one. */
export interface LintProblem {
  message: string;
  /** The template as helm names it (`web/templates/cm.yaml`, `web/charts/db/templates/x.yaml`). */
  template?: string;
  line?: number;
}

/** One `helm lint` run: with a `ci/*-values.yaml` (repository-relative path) or with the chart's default values. */
export interface LintRun {
  valuesFile?: string;
  problems: LintProblem[];
}

export interface LintChartInput {
  chart: string;
  /** What is linted: the packaged `.tgz` (it holds the dependencies) or the chart folder. */
  target: string;
  /** The chart folder in the checkout, where `ci/*-values.yaml` are looked for. */
  chartDir: string;
  /** The chart folder as errors name it (repository-relative, `charts/web`); `chartDir` by default. */
  chartPath?: string;
  helm?: HelmRunner;
}

/** The `ci/*-values.yaml` files of a chart folder, sorted: chart-testing's convention for the values its CI lints with. */
export async function ciValuesFiles(chartDir: string): Promise<string[]> {
  const names = await readdir(join(chartDir, 'ci')).catch(() => [] as string[]);
  return names.filter((n) => n.endsWith('-values.yaml')).sort();
}

/**
 * Lints a chart as chart-testing does: `helm lint --values ci/<file>` once per `ci/*-values.yaml`, each run alone,
 * or once with the default values when there is none. Returns every run with its problems, and one
 * CHART_LINT_FAILED per failing run naming the chart, the values file and the template line helm reported.
 */
export async function lintChart(input: LintChartInput): Promise<{ runs: LintRun[]; errors: ReleaseError[] }> {
  const chartPath = input.chartPath ?? input.chartDir;
  const files = await ciValuesFiles(input.chartDir);
  const runs: LintRun[] = [];
  const errors: ReleaseError[] = [];
  for (const file of files.length ? files : [undefined]) {
    const args = ['lint', input.target, ...(file ? ['--values', join(input.chartDir, 'ci', file)] : [])];
    const r = await execa(input.helm?.binary ?? 'helm', args, { env: input.helm?.env, reject: false, stdin: 'ignore' });
    if (r.exitCode === undefined && r.failed) {
      throw new ReleaseError('HELM_NOT_FOUND', `cannot run helm ('${input.helm?.binary ?? 'helm'}'): ${r.shortMessage}.`, {
        hint: 'install helm v3 or v4, or pass --helm <path>',
      });
    }
    const valuesFile = file ? posix.join(chartPath, 'ci', file) : undefined;
    const problems = r.exitCode === 0 ? [] : parseHelmLintOutput(`${r.stdout}\n${r.stderr}`);
    if (r.exitCode !== 0 && !problems.length) problems.push({ message: (r.stderr || r.stdout).trim() || `helm lint exited ${r.exitCode}` });
    runs.push({ ...(valuesFile ? { valuesFile } : {}), problems });
    if (problems.length) errors.push(lintError(input.chart, chartPath, valuesFile, problems));
  }
  return { runs, errors };
}

// `[ERROR] templates/: web/templates/cm.yaml:7:18` (helm v4 continues on indented lines; v3 says it on one line,
// after `template: `)
const TEMPLATE_AT = /(?:^|[\s:])([^\s:]+\/templates\/[^\s:]+):(\d+)(?::\d+)?/;

/** The `[ERROR]` entries of helm lint's output (v3 one line each, v4 with indented continuation lines). */
export function parseHelmLintOutput(output: string): LintProblem[] {
  const problems: LintProblem[] = [];
  let current: string[] | undefined;
  const flush = () => {
    if (!current) return;
    const message = current.join(' ').replace(/\s+/g, ' ').trim();
    const at = TEMPLATE_AT.exec(message);
    problems.push({ message, ...(at ? { template: at[1]!, line: Number(at[2]) } : {}) });
    current = undefined;
  };
  for (const line of output.split('\n')) {
    if (line.startsWith('[ERROR]')) {
      flush();
      current = [line.slice('[ERROR]'.length).trim()];
    } else if (current && /^\s+\S/.test(line)) current.push(line.trim());
    else flush();
  }
  flush();
  return problems;
}

function lintError(chart: string, chartPath: string, valuesFile: string | undefined, problems: LintProblem[]): ReleaseError {
  const located = problems.find((p) => p.template);
  // helm names a template from the chart's own name: `web/templates/x.yaml` is `<chartPath>/templates/x.yaml`
  const file = located ? posix.join(chartPath, located.template!.split('/').slice(1).join('/')) : posix.join(chartPath, 'Chart.yaml');
  const values = valuesFile ? `with ${valuesFile}` : 'with its default values';
  return new ReleaseError('CHART_LINT_FAILED', `helm lint of ${chart} ${values} failed: ${problems.map((p) => p.message).join('; ')}`, {
    chart,
    file,
    ...(located?.line ? { line: located.line } : {}),
    hint: `run 'helm lint ${chartPath}${valuesFile ? ` --values ${valuesFile}` : ''}' and fix what it reports${valuesFile ? '' : `, or add the values its CI uses as ${chartPath}/ci/<name>-values.yaml`}; \`lint: warn\` in .chart-release.yaml reports it without stopping the release.`,
    details: { ...(valuesFile ? { valuesFile } : {}), problems },
  });
}
