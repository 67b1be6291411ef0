import { setOutput } from '@chart-release/core';
import type { ChangedChartsResult, ChartChange } from './types.ts';

function why(chart: ChartChange): string {
  const parts: string[] = [];
  if (chart.previousPath) parts.push(`moved from ${chart.previousPath}`);
  if (chart.changedFiles.length) parts.push(`${chart.changedFiles.length} file${chart.changedFiles.length === 1 ? '' : 's'} changed`);
  if (chart.triggeredBy.length) parts.push(`depends on ${chart.triggeredBy.join(', ')}`);
  return parts.join('; ');
}

/** A plain-text table of the result for terminals and logs: one row per chart, then the compared range. */
export function formatChangedChartsTable(result: ChangedChartsResult): string {
  const range = `${result.base.slice(0, 12)}..${result.head.slice(0, 12)} (base from ${result.baseSource})`;
  if (result.charts.length === 0) return `No chart changed in ${range}.\n`;
  const notes = (result.notes ?? []).map((n) => `note: ${n.message}.`);
  const rows = [
    ['CHART', 'PATH', 'VERSION', 'STATUS', 'RELEASE', 'WHY'],
    ...result.charts.map((c) => [
      c.name,
      c.path,
      c.previousVersion !== undefined && c.previousVersion !== c.version ? `${c.previousVersion} -> ${c.version}` : c.version,
      c.status,
      c.release ? 'yes' : 'no',
      why(c),
    ]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => r[col]!.length)));
  const lines = rows.map((r) =>
    r
      .map((cell, col) => (col === r.length - 1 ? cell : cell.padEnd(widths[col]!)))
      .join('  ')
      .trimEnd(),
  );
  const releasing = result.charts.filter((c) => c.release).length;
  lines.push('', `${releasing} of ${result.charts.length} chart${result.charts.length === 1 ? '' : 's'} to release, ${range}.`);
  if (result.errors.length) lines.push(`${result.errors.length} problem${result.errors.length === 1 ? '' : 's'} must be fixed first.`);
  if (notes.length) lines.push('', ...notes);
  return lines.join('\n') + '\n';
}

/** The charts to publish, in the order of the result. */
export function chartsToRelease(result: ChangedChartsResult): ChartChange[] {
  return result.charts.filter((c) => c.release);
}

/**
 * Writes the Actions step outputs: `charts` (JSON list of the names to release), `matrix` (`{"include":[{"chart",
 * "path","version"}]}` for a job matrix) and `changed` (`true`/`false`). No-op outside Actions; returns whether it wrote.
 */
export function writeActionsOutputs(result: ChangedChartsResult, env: NodeJS.ProcessEnv = process.env): boolean {
  const release = chartsToRelease(result);
  if (!setOutput('charts', JSON.stringify(release.map((c) => c.name)), env)) return false;
  setOutput('matrix', JSON.stringify({ include: release.map((c) => ({ chart: c.name, path: c.path, version: c.version })) }), env);
  setOutput('changed', String(release.length > 0), env);
  return true;
}
