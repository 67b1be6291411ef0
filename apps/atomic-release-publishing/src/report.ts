import type { ReleaseErrorJSON } from '@chart-release/core';

/** One chart's outcome in a publish run. */
export interface ChartReport {
  name: string;
  version: string;
  path: string;
  status: 'planned' | 'published' | 'drafted' | 'failed' | 'skipped' | 'not-released';
  why?: string;
  ref?: string;
  digest?: string;
  push?: 'pushed' | 'exists';
  signature?: { mode: string; referrer?: string };
  lineage?: string;
  release?: { tag: string; url: string; draft: boolean };
  error?: ReleaseErrorJSON;
}

/** The `--json` report of `chart-release publish` and `plan`; stable shape. */
export interface PublishReport {
  ok: boolean;
  dryRun: boolean;
  repository?: string;
  registry: string;
  base: string;
  head: string;
  baseSource?: string;
  charts: ChartReport[];
  errors: ReleaseErrorJSON[];
  warnings: string[];
  manifest?: string;
  /** What a re-run will do after a failure. */
  resume?: string;
  /** Some releases are public and others still drafts (PUBLISH_INCOMPLETE): a re-run finishes the job. */
  incomplete?: boolean;
}

const short = (digest?: string) => (digest ? `${digest.slice(0, 19)}…` : '—');

/** The Markdown table for `$GITHUB_STEP_SUMMARY`. */
export function renderStepSummary(report: PublishReport): string {
  const title = report.dryRun
    ? 'Chart release plan (dry run)'
    : report.ok
      ? 'Charts released'
      : report.incomplete
        ? 'Charts partly released: re-run to finish'
        : 'Chart release failed';
  const lines = [`## ${title}`, ''];
  if (!report.charts.length) {
    lines.push('No chart changed in this push.', '');
  } else {
    lines.push('| Chart | Version | Status | Digest | Release | Signature | Lineage |', '| --- | --- | --- | --- | --- | --- | --- |');
    for (const c of report.charts) {
      const release = c.release ? `[${c.release.tag}](${c.release.url})${c.release.draft ? ' (draft)' : ''}` : '—';
      const signature = c.signature
        ? c.signature.mode === 'none'
          ? 'unsigned'
          : `${c.signature.mode}${c.signature.referrer ? ` \`${short(c.signature.referrer)}\`` : ''}`
        : '—';
      lines.push(
        `| ${c.name} | ${c.version} | ${c.status}${c.push === 'exists' ? ' (already in registry)' : ''} | ${c.digest ? `\`${short(c.digest)}\`` : '—'} | ${release} | ${signature} | ${c.lineage ? 'yes' : '—'} |`,
      );
    }
    lines.push('');
  }
  if (report.errors.length) {
    lines.push('### Problems', '');
    for (const e of report.errors)
      lines.push(`- **${e.code}**${e.chart ? ` ${e.chart}` : ''}${e.file ? ` (\`${e.file}\`)` : ''}: ${e.message}${e.hint ? ` — ${e.hint}` : ''}`);
    lines.push('');
  }
  if (report.warnings.length) {
    lines.push('### Warnings', '', ...report.warnings.map((w) => `- ${w}`), '');
  }
  if (report.resume) lines.push(`> ${report.resume}`, '');
  return `${lines.join('\n')}\n`;
}

/** A plain-text table for the terminal. */
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
  const tail = [
    ...report.errors.map(
      (e) => `error: [${e.code}]${e.chart ? ` ${e.chart}` : ''}${e.file ? ` (${e.file})` : ''}: ${e.message}${e.hint ? ` Fix: ${e.hint}` : ''}`,
    ),
    ...report.warnings.map((w) => `warning: ${w}`),
    ...(report.manifest ? [`release manifest: ${report.manifest}`] : []),
    ...(report.resume ? [report.resume] : []),
  ];
  return `${report.charts.length ? text : 'No chart changed.'}\n${tail.length ? `${tail.join('\n')}\n` : ''}`;
}
