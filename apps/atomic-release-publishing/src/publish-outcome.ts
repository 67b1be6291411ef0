import { join } from 'node:path';
import type { ReleaseConfig } from './config.ts';
import type { Journal } from './journal.ts';
import { writeManifest } from './manifest.ts';
import type { PlannedChart, ReleasePlan } from './plan.ts';
import type { Progress } from './progress.ts';
import type { DetectResult } from './publish.ts';
import { releaseReason, type ChartReport, type PublishReport, type ReportAsset } from './report.ts';
import { publishIncomplete } from './roll-forward.ts';
import { manifestFromJournal } from './run-manifest.ts';
import type { ChartRun } from './stage.ts';
import type { StageRunner } from './stage-runner.ts';

/** The report before anything ran: every planned chart and every chart not released, with the planned writes. */
export function initialReport(plan: ReleasePlan, detected: DetectResult, dryRun: boolean): PublishReport {
  return {
    ok: false,
    dryRun,
    fingerprint: plan.fingerprint,
    repository: plan.repository,
    registry: plan.registry,
    base: plan.base,
    head: plan.head,
    baseSource: plan.baseSource,
    charts: [
      ...plan.charts.map(
        (c): ChartReport => ({
          name: c.name,
          version: c.version,
          path: c.path,
          type: c.type,
          status: 'planned',
          why: releaseReason(c),
          assets: reportAssets(c),
        }),
      ),
      ...plan.notReleased.map((n): ChartReport => ({ name: n.name, version: '', path: n.path, status: 'not-released', why: n.why })),
    ],
    errors: [...detected.errors],
    warnings: [],
    ...(plan.notes.length ? { notes: plan.notes.map((n) => ({ chart: n.chart, dependency: n.dependency, message: n.message })) } : {}),
    writes: plan.writes,
    decisions: {
      signing: { mode: plan.signing.mode, identity: plan.signing.identity, issuer: plan.signing.issuer, provenance: plan.signing.provenance },
      makeLatest: plan.makeLatest,
      pullRequest: plan.pullRequest,
    },
  };
}

/** The planned assets of a chart as the report lists them: made by the run, the chart's, the repository's or generated. */
function reportAssets(chart: PlannedChart): ReportAsset[] {
  return chart.assets.map((a) => {
    const generated = a.origin === 'annotation' || a.origin === 'commits';
    return {
      kind: a.kind,
      name: a.name,
      source: a.producedBy ? 'run' : generated ? 'generated' : a.origin === 'repository' ? 'repository' : 'chart',
      ...(generated ? { generatedFrom: a.origin as 'annotation' | 'commits' } : {}),
      file: a.source,
      required: a.required,
    };
  });
}

/** The release manifest of the run, from its journal; the signing identity is the certificate's when one signed. */
export async function writeRunManifest(config: ReleaseConfig, plan: ReleasePlan, journal: Journal, runner: StageRunner, now: () => Date): Promise<string> {
  const manifestPath = join(config.workDir, 'release-manifest.json');
  const signed = runner.runs().map((r) => r.outputs.signed);
  const certified = signed.find((s) => s?.certificateIdentity);
  const mode = signed.find((s) => s)?.mode ?? 'none';
  await writeManifest(
    manifestPath,
    manifestFromJournal(journal.data, {
      registry: plan.registry,
      repository: plan.repository,
      base: plan.base,
      runUrl: config.github.runUrl,
      completedAt: now().toISOString(),
      charts: plan.charts.map((c) => c.name),
      signing: certified
        ? { mode, identity: certified.certificateIdentity, issuer: certified.issuer }
        : { mode, identity: plan.signing.identity, identityRegexp: plan.signing.identityRegexp, issuer: plan.signing.issuer },
    }),
  );
  return manifestPath;
}

/** The report of a run whose charts went partly public: which are, which are still drafts, how a re-run finishes. */
export async function incompleteReport(
  report: PublishReport,
  pending: { draft: ChartRun; error: unknown }[],
  journal: Journal,
  progress: Progress,
): Promise<PublishReport> {
  const public_ = report.charts.filter((c) => c.status === 'published').map((c) => `${c.name} (${c.release?.tag})`);
  for (const { draft, error } of pending) {
    const e = publishIncomplete(draft.chart.name, draft.chart.gitTag, error, public_);
    report.errors.push(e.toJSON());
    Object.assign(report.charts.find((c) => c.name === draft.chart.name)!, { status: 'drafted', error: e.toJSON() });
  }
  report.incomplete = true;
  report.resume =
    `Partly published. Public: ${public_.join(', ') || 'none'}. Still drafts: ${pending.map((p) => p.draft.chart.gitTag).join(', ')}. ` +
    'Re-run the job to finish: it publishes the remaining drafts and repeats nothing else.';
  await journal.setPhase('running');
  progress.close();
  return report;
}
