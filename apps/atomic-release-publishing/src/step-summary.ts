// The step summary a maintainer reads on the run page ($GITHUB_STEP_SUMMARY, GitHub-flavoured Markdown): per chart
// the full digest, the OCI reference, the release, why it was released, the lineage, how to install and verify;
// the range and the run; on failure what was done, what was undone and how a re-run resumes.
import { chartTag } from '@chart-release/oci';
import { releaseNotesView, shellJoin, type SigningInfo } from '@chart-release/github-release';
import type { ChartReport, PublishReport } from './report.ts';

/** What the summary needs besides the report: where the run and the repository live, and the signing policy. */
export interface SummaryContext {
  /** GitHub web URL (GITHUB_SERVER_URL); default https://github.com. */
  serverUrl?: string;
  /** This workflow run's page. */
  runUrl?: string;
  /** The certificate identity and issuer keyless signatures are verified against. */
  signing?: { identity?: string; identityRegexp?: string; issuer?: string };
  /** The release manifest, relative to the repository. */
  manifest?: string;
}

const RELEASED = new Set<ChartReport['status']>(['published', 'drafted']);

/** The Markdown of `$GITHUB_STEP_SUMMARY` for one publish or plan run. */
export function renderStepSummary(report: PublishReport, context: SummaryContext = {}): string {
  const out: string[] = [`## ${title(report)}`, '', ...rangeLine(report, context), ''];
  if (!report.charts.length) out.push('No chart changed in this push.', '');
  else out.push(...overview(report), '');
  for (const chart of report.charts.filter((c) => c.digest || c.status === 'planned')) out.push(...chartSection(report, chart, context));
  if (report.errors.length) {
    out.push('### Problems', '');
    for (const e of report.errors)
      out.push(`- **${e.code}**${e.chart ? ` ${e.chart}` : ''}${e.file ? ` (\`${e.file}\`)` : ''}: ${e.message}${e.hint ? ` Fix: ${e.hint}` : ''}`);
    out.push('');
  }
  if (!report.ok && !report.dryRun) out.push(...failureSection(report));
  if (report.notes?.length) out.push('### Notes', '', ...report.notes.map((n) => `- ${n.message}.`), '');
  if (report.warnings.length) out.push('### Warnings', '', ...[...new Set(report.warnings)].map((w) => `- ${w}`), '');
  return `${out.join('\n').trimEnd()}\n`;
}

function title(report: PublishReport): string {
  const charts = report.charts.filter((c) => c.status !== 'not-released');
  const n = (count: number) => `${count} chart${count === 1 ? '' : 's'}`;
  if (report.dryRun) return `Chart release plan: ${n(charts.length)} would be released`;
  if (report.incomplete) return 'Charts partly released: re-run to finish';
  if (!report.ok) return `Chart release failed: ${report.charts.filter((c) => c.status === 'failed').length} of ${n(charts.length)} failed, nothing published`;
  const released = charts.filter((c) => RELEASED.has(c.status));
  const reused = released.filter((c) => c.push === 'exists').length;
  const verb = released.some((c) => c.status === 'drafted') ? 'drafted' : 'released';
  return `Charts ${verb}: ${n(released.length)}${reused ? ` (${reused === released.length ? 'all' : reused} already in the registry)` : ''}`;
}

function rangeLine(report: PublishReport, context: SummaryContext): string[] {
  const server = (context.serverUrl ?? 'https://github.com').replace(/\/+$/, '');
  const range = `${report.base.slice(0, 12)}..${report.head.slice(0, 12)}`;
  const parts = [
    report.repository && report.base ? `Range [\`${range}\`](${server}/${report.repository}/compare/${report.base}...${report.head})` : `Range \`${range}\``,
  ];
  if (report.repository) parts.push(`repository [${report.repository}](${server}/${report.repository})`);
  if (context.runUrl) parts.push(`[workflow run](${context.runUrl})`);
  parts.push(`registry \`${report.registry}\``);
  return [`${parts.join(' · ')}.`];
}

function overview(report: PublishReport): string[] {
  const rows = ['| Chart | Version | Outcome | Why |', '| --- | --- | --- | --- |'];
  for (const c of report.charts) rows.push(`| ${c.name} | ${c.version || '—'} | ${outcome(c)} | ${cell(c.why ?? '—')} |`);
  return rows;
}

function outcome(c: ChartReport): string {
  const pushed = c.push === 'exists' ? 'already in the registry' : c.push === 'pushed' ? 'pushed' : undefined;
  if (c.status === 'failed') return `failed: ${cell(c.error?.code ?? 'error')}`;
  return [c.status, pushed].filter(Boolean).join(', ');
}

function chartSection(report: PublishReport, c: ChartReport, context: SummaryContext): string[] {
  const out = [`### ${c.name} ${c.version}`, ''];
  const registry = report.registry.replace(/^oci:\/\//, '');
  if (!c.digest) {
    out.push(`Would be pushed to \`oci://${registry}/${c.name}:${chartTag(c.version)}\`${c.why ? `; ${c.why}` : ''}.`, '');
    return out;
  }
  const view = releaseNotesView({
    chart: { name: c.name, version: c.version, type: c.type },
    registry,
    digest: c.digest,
    repository: report.repository ?? '',
    signing: signingInfo(c, context),
    serverUrl: context.serverUrl,
    githubAttestations: false,
  });
  const rows = [
    ['Digest', `\`${c.digest}\``],
    ['OCI reference', `\`${String(view.digestReference)}\``],
    ['Tag', `\`${c.ref ?? `${registry}/${c.name}:${c.version}`}\` (${c.push === 'exists' ? 'already in the registry, reused' : 'pushed by this run'})`],
    [
      'Release',
      c.release ? `[${c.release.tag}](${c.release.url})${c.release.draft ? ' (draft)' : ''}` : c.deletedDraft ? `draft ${c.deletedDraft} deleted` : '—',
    ],
    ['Why', cell(c.why ?? '—')],
    ['Lineage', lineageLink(c)],
    [
      'Signature',
      c.signature
        ? c.signature.mode === 'none'
          ? 'unsigned (signing: none)'
          : `${c.signature.mode}${c.signature.referrer ? `, \`${c.signature.referrer}\`` : ''}`
        : '—',
    ],
  ];
  out.push('| | |', '| --- | --- |', ...rows.map(([k, v]) => `| ${k} | ${v} |`), '');
  const verify = [view.cosignVerifyCommand, context.manifest ? shellJoin(['chart-release', 'verify', context.manifest]) : ''].filter(Boolean) as string[];
  if (view.library) out.push('A library chart: use it as a dependency in Chart.yaml:', '', '```yaml', String(view.dependencySnippet), '```', '');
  else out.push('Install:', '', '```sh', String(view.installCommand), '```', '');
  if (verify.length) out.push('Verify:', '', '```sh', ...verify, '```', '');
  return out;
}

function signingInfo(c: ChartReport, context: SummaryContext): SigningInfo {
  const mode = c.signature?.mode;
  if (!mode || mode === 'none') return { mode: 'none' };
  if (mode === 'key') return { mode: 'key' };
  return {
    mode: 'keyless',
    certificateIdentity: context.signing?.identity,
    certificateIdentityRegexp: context.signing?.identityRegexp,
    certificateOidcIssuer: context.signing?.issuer,
  };
}

/** The lineage JSON as the release asset it is attached as (GitHub serves it under releases/download/<tag>/). */
function lineageLink(c: ChartReport): string {
  if (!c.lineage) return '—';
  const asset = `${c.name}-attestation-lineage.json`;
  if (!c.release) return `\`${asset}\``;
  return `[${asset}](${c.release.url.replace('/releases/tag/', '/releases/download/')}/${asset})`;
}

function failureSection(report: PublishReport): string[] {
  const kept = report.charts.filter((c) => c.digest);
  const undone = report.charts.filter((c) => c.deletedDraft);
  const notStarted = report.charts.filter((c) => c.status === 'skipped' && !c.digest);
  const out = ['### What happened', ''];
  out.push(
    kept.length
      ? `- Done and kept: ${kept.map((c) => `${c.name} \`${c.digest}\``).join(', ')} in the registry (versions are immutable; a re-run reuses them).`
      : '- Done: nothing was written to the registry.',
  );
  out.push(
    undone.length
      ? `- Undone: draft releases ${undone.map((c) => c.deletedDraft).join(', ')} deleted; no release was published.`
      : '- Undone: nothing to undo; no release was published.',
  );
  if (notStarted.length) out.push(`- Not started: ${notStarted.map((c) => c.name).join(', ')}.`);
  if (report.resume) out.push(`- Re-run: ${report.resume}`);
  return [...out, ''];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
