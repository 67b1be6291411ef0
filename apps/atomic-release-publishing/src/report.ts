import type { ReleaseErrorJSON } from '@chart-release/core';
import type { MatrixLeg } from './matrix-legs.ts';
import type { PlannedWrite } from './stage.ts';

export { renderStepSummary } from './step-summary.ts';
export type { SummaryContext } from './step-summary.ts';

/** One release asset of a planned chart: its name and where it comes from. */
export interface ReportAsset {
  kind: string;
  name: string;
  /** `run`: made by the run (package, signatures, lineage); `chart`: the chart folder's file; `repository`: the
   * repository root's (LICENSE); `generated`: written by the run from the chart's changes (CHANGELOG). */
  source: 'run' | 'chart' | 'repository' | 'generated';
  /** What a generated file is made from: the `artifacthub.io/changes` annotation, or the commits. */
  generatedFrom?: 'annotation' | 'commits';
  /** The file attached (repository-relative when inside it). */
  file: string;
  required: boolean;
}

/** One chart's outcome in a publish run. */
export interface ChartReport {
  name: string;
  version: string;
  path: string;
  /** Chart.yaml `type`: a library chart is a dependency, never installed. */
  type?: 'application' | 'library';
  status: 'planned' | 'published' | 'drafted' | 'failed' | 'skipped' | 'not-released';
  why?: string;
  ref?: string;
  digest?: string;
  push?: 'pushed' | 'exists';
  signature?: { mode: string; referrer?: string };
  lineage?: string;
  release?: { tag: string; url: string; draft: boolean };
  /** The release assets the plan attaches, with their sources. */
  assets?: ReportAsset[];
  /** The tag of this run's draft release, deleted because another chart failed. */
  deletedDraft?: string;
  error?: ReleaseErrorJSON;
}

/** The `--json` report of `chart-release publish` and `plan`; stable shape. */
export interface PublishReport {
  ok: boolean;
  dryRun: boolean;
  /** The plan's fingerprint (ReleasePlan.fingerprint): the same in every matrix leg and the finalize job of a run. */
  fingerprint?: string;
  repository?: string;
  registry: string;
  base: string;
  head: string;
  baseSource?: string;
  charts: ChartReport[];
  errors: ReleaseErrorJSON[];
  warnings: string[];
  /** Charts depending by name (chart repository, registry) on a chart this run releases: not released for it. */
  notes?: { chart: string; dependency: string; message: string }[];
  manifest?: string;
  /** What a re-run will do after a failure. */
  resume?: string;
  /** Some releases are public and others still drafts (PUBLISH_INCOMPLETE): a re-run finishes the job. */
  incomplete?: boolean;
  /** Every remote write the plan makes (a re-run skips those already done). */
  writes?: PlannedWrite[];
  /** A dry run's planned charts as the matrix legs of the reusable workflow (`--max-legs`). */
  legs?: MatrixLeg[];
  /** What the plan decided for the whole run: signing, make-latest, the pull request the lineage names. */
  decisions?: {
    signing: { mode: string; identity?: string; issuer: string; provenance: boolean };
    makeLatest: string;
    pullRequest: { number: number; url: string } | null;
  };
}

/** Why a planned chart is released, in a few words: what changed and which version it gets. */
export function releaseReason(chart: { status: string; version: string; previousVersion?: string; triggeredBy: string[] }): string {
  const version =
    chart.previousVersion && chart.previousVersion !== chart.version ? `version ${chart.previousVersion} -> ${chart.version}` : `version ${chart.version}`;
  const change = chart.status === 'added' ? `new chart, ${version}` : chart.status === 'renamed' ? `renamed, ${version}` : `changed, ${version}`;
  return chart.triggeredBy.length ? `${change}; dependency ${chart.triggeredBy.join(', ')} changed` : change;
}

/**
 * The report with paths inside the repository written relative to it (errors' files, paths quoted in messages and
 * warnings, the manifest), as annotations, the step summary and the table need them.
 */
export function withRepositoryPaths(report: PublishReport, cwd: string): PublishReport {
  const prefix = `${cwd.replace(/\/+$/, '')}/`;
  const rel = (text: string) => text.replaceAll(prefix, '');
  const error = (e: ReleaseErrorJSON): ReleaseErrorJSON => ({
    ...e,
    message: rel(e.message),
    ...(e.file ? { file: rel(e.file) } : {}),
    ...(e.hint ? { hint: rel(e.hint) } : {}),
  });
  return {
    ...report,
    charts: report.charts.map((c) => ({
      ...c,
      ...(c.lineage ? { lineage: rel(c.lineage) } : {}),
      ...(c.error ? { error: error(c.error) } : {}),
      ...(c.assets ? { assets: c.assets.map((a) => ({ ...a, file: rel(a.file) })) } : {}),
    })),
    errors: report.errors.map(error),
    warnings: report.warnings.map(rel),
    ...(report.manifest ? { manifest: rel(report.manifest) } : {}),
  };
}

/** A plain-text table for the terminal: the charts, warnings, manifest and how to resume (errors go to stderr). */
export function renderTable(report: PublishReport): string {
  const rows = [['CHART', 'VERSION', 'STATUS', 'DIGEST', 'RELEASE']];
  for (const c of report.charts) {
    rows.push([c.name, c.version, c.status + (c.why ? ` (${c.why})` : ''), c.digest ?? '—', c.release?.url ?? '—']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const text = rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
  // the errors go to stderr as error lines (core's writeErrorLines), not into the table
  const tail = [
    ...(report.notes ?? []).map((n) => `note: ${n.message}`),
    ...report.warnings.map((w) => `warning: ${w}`),
    ...(report.manifest ? [`release manifest: ${report.manifest}`] : []),
    ...(report.resume ? [report.resume] : []),
  ];
  return `${report.charts.length ? text : 'No chart changed.'}\n${tail.length ? `${tail.join('\n')}\n` : ''}`;
}
