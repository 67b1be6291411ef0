import { join } from 'node:path';
import { AggregateReleaseError, isReleaseError, ReleaseError, silentLogger, type Logger, type ReleaseErrorJSON } from '@chart-release/core';
import { chartIdentityProblems } from './chart-identity.ts';
import { runBounded } from './concurrency.ts';
import type { ReleaseConfig } from './config.ts';
import { Journal } from './journal.ts';
import { writeManifest } from './manifest.ts';
import { buildReleasePlan, formatPlan, type DetectedChart, type PlannedChart, type ReleasePlan } from './plan.ts';
import { manifestFromJournal } from './run-manifest.ts';
import { createProgress, type Progress } from './progress.ts';
import { publishIncomplete, publishRollingForward, type RollForwardOptions } from './roll-forward.ts';
import { releaseReason, type ChartReport, type PublishReport } from './report.ts';

export interface DetectResult {
  base: string;
  head: string;
  baseSource?: string;
  charts: DetectedChart[];
  errors: ReleaseErrorJSON[];
}
export interface PackagedChart {
  file: string;
  sha256: string;
}
export interface PushedChart {
  ref: string;
  digest: string;
  status: 'pushed' | 'exists';
}
export interface SignedChart {
  mode: 'cosign' | 'sigstore' | 'key' | 'none';
  referrerDigest?: string;
  /** Identity and issuer as the signing certificate states them (keyless). */
  certificateIdentity?: string;
  issuer?: string;
  /** The SLSA build provenance of the digest, when one was made. */
  attestation?: AttestedChart;
  signaturePath?: string;
  bundlePath?: string;
}
export interface AttestedChart {
  predicateType: string;
  referrerDigest: string;
  /** Id of the attestation in GitHub's attestations API. */
  githubId?: number;
  /** Found from an earlier attempt rather than made now. */
  reused: boolean;
}
export interface DraftedRelease {
  chart: string;
  id: number;
  tag: string;
  url: string;
  draft: boolean;
  /** Created by this attempt (deleted on failure) rather than found. */
  created: boolean;
}
export interface ChartArtifacts {
  pkg: PackagedChart;
  pushed: PushedChart;
  signed: SignedChart;
  lineage: { file: string; sha256: string };
}

/** The outside-world steps of a publish run; each is idempotent (a re-run finds what an earlier attempt did). */
export interface PublishSteps {
  detect(): Promise<DetectResult>;
  package(chart: PlannedChart, log: Logger): Promise<PackagedChart>;
  /** Read-only checks of everything the run will write; returns every problem, writes nothing. */
  preflight(plan: ReleasePlan, packages: Map<string, PackagedChart>): Promise<{ errors: ReleaseError[]; warnings: string[] }>;
  push(chart: PlannedChart, pkg: PackagedChart, log: Logger): Promise<PushedChart>;
  sign(chart: PlannedChart, pkg: PackagedChart, pushed: PushedChart, log: Logger): Promise<SignedChart>;
  lineage(chart: PlannedChart, pushed: PushedChart, log: Logger): Promise<{ file: string; sha256: string }>;
  draftRelease(chart: PlannedChart, artifacts: ChartArtifacts, log: Logger): Promise<DraftedRelease>;
  publishReleases(drafts: DraftedRelease[]): Promise<void>;
  deleteDrafts(drafts: DraftedRelease[]): Promise<void>;
  /** After every release is published: the Helm repository index (and Artifact Hub metadata); optional. */
  publishIndex?(charts: { chart: PlannedChart; pkg: PackagedChart }[]): Promise<void>;
}

export interface PublishOptions {
  dryRun?: boolean;
  /**
   * `all` (default): publish the drafts at the end. `publish`: the first phase of a two-phase release — push, sign
   * and draft, then stop; `chart-release promote --publish-drafts` publishes them once someone has checked them.
   */
  phase?: 'all' | 'publish';
  logger?: Logger;
  /** Progress display, or a factory given the planned chart names. */
  progress?: Progress | ((charts: string[]) => Progress);
  now?: () => Date;
  /** How publishing the drafts is retried once the first is public. */
  rollForward?: RollForwardOptions;
}

class Stopped extends Error {}

/**
 * Publishes every changed chart, all or nothing: plan -> package -> preflight -> per chart (bounded concurrency)
 * push, sign, lineage, draft release -> publish every draft together -> release manifest. A failure stops new
 * writes, deletes this run's drafts (unless keepDrafts) and reports how a re-run resumes.
 */
export async function runPublish(config: ReleaseConfig, steps: PublishSteps, options: PublishOptions = {}): Promise<PublishReport> {
  const log = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const detected = await steps.detect();
  const plan = buildReleasePlan(detected, config);
  log.info(formatPlan(plan).trimEnd());
  const report: PublishReport = {
    ok: false,
    dryRun: options.dryRun ?? false,
    repository: plan.repository,
    registry: plan.registry,
    base: plan.base,
    head: plan.head,
    baseSource: plan.baseSource,
    charts: [
      ...plan.charts.map((c): ChartReport => ({ name: c.name, version: c.version, path: c.path, type: c.type, status: 'planned', why: releaseReason(c) })),
      ...plan.notReleased.map((n): ChartReport => ({ name: n.name, version: '', path: n.path, status: 'not-released', why: n.why })),
    ],
    errors: [...detected.errors],
    warnings: [],
  };
  const chartReport = (name: string) => report.charts.find((c) => c.name === name)!;
  if (report.errors.length && !plan.charts.length) return report;
  if (!plan.charts.length) {
    report.ok = true;
    return report;
  }

  const names = plan.charts.map((c) => c.name);
  const progress = typeof options.progress === 'function' ? options.progress(names) : (options.progress ?? createProgress({ charts: names, quiet: true }));
  const journal = options.dryRun ? undefined : await Journal.open(config.workDir, plan.head, now());
  const chartLog = (name: string): Logger => ({
    debug: (m) => log.debug(`[${name}] ${m}`),
    info: (m) => progress.log(name, m),
    // collected once: the end of the run lists them (table, step summary, one annotation each)
    warn: (m) => {
      report.warnings.push(`${name}: ${m}`);
      progress.log(name, `warning: ${m}`);
    },
    error: (m, where) => log.error(`${name}: ${m}`, where),
    group: (_t, fn) => fn(),
  });

  // a chart is its folder and its name: charts sharing a name are an error (and are not packaged, since they would
  // share one package file); a name other than the folder's is a warning
  const identity = chartIdentityProblems(plan.charts);
  for (const w of identity.warnings) log.warn(w.message, { file: w.file });
  report.warnings.push(...identity.warnings.map((w) => w.message));
  report.errors.push(...identity.errors.map((e) => e.toJSON()));
  const duplicated = new Set(identity.errors.map((e) => e.chart));
  const checkable: ReleasePlan = { ...plan, charts: plan.charts.filter((c) => !duplicated.has(c.name)) };

  // 1. package locally (no remote write) so preflight can compare content with what is already published
  const packages = new Map<string, PackagedChart>();
  const packaged = await runBounded(checkable.charts, config.concurrency, async (chart) => {
    progress.stage(chart.name, 'packaging');
    const pkg = await steps.package(chart, chartLog(chart.name));
    packages.set(chart.name, pkg);
    await journal?.record(chart.name, chart.version, 'packaged', pkg);
    progress.stage(chart.name, 'packaged', `sha256:${pkg.sha256.slice(0, 12)}`);
  });
  const packageErrors = packaged.flatMap((r) => (r.status === 'rejected' ? [asReleaseError(r.reason)] : []));

  // 2. preflight: every problem at once, before anything is written anywhere
  const preflight = packageErrors.length ? { errors: [], warnings: [] } : await steps.preflight(checkable, packages);
  report.warnings.push(...preflight.warnings);
  const problems = [...packageErrors, ...preflight.errors];
  report.errors.push(...problems.map((e) => e.toJSON()));
  if (report.errors.length) {
    await journal?.setPhase('failed');
    progress.close();
    report.resume = 'Nothing was written. Fix the problems above and push again (or re-run the job).';
    return report;
  }
  if (options.dryRun) {
    report.ok = true;
    progress.close();
    return report;
  }

  // 3. per chart: push, sign, lineage, draft release; the first failure stops new writes
  const drafts: DraftedRelease[] = [];
  // the identity and issuer the manifest records are the signing certificate's, not the configured expectation
  let certified: SignedChart | undefined;
  let failed = false;
  const guard = () => {
    if (failed) throw new Stopped('stopped: another chart failed');
  };
  const outcomes = await runBounded(plan.charts, config.concurrency, async (chart) => {
    const r = chartReport(chart.name);
    const clog = chartLog(chart.name);
    try {
      const pkg = packages.get(chart.name)!;
      guard();
      progress.stage(chart.name, 'pushing');
      const pushed = await steps.push(chart, pkg, clog);
      Object.assign(r, { ref: pushed.ref, digest: pushed.digest, push: pushed.status });
      await journal!.record(chart.name, chart.version, 'pushed', pushed);
      progress.stage(chart.name, 'pushed', pushed.status === 'exists' ? `already in the registry ${pushed.digest}` : pushed.digest);
      guard();
      progress.stage(chart.name, 'signing');
      const signed = await steps.sign(chart, pkg, pushed, clog);
      certified ??= signed.certificateIdentity ? signed : undefined;
      r.signature = { mode: signed.mode, referrer: signed.referrerDigest };
      await journal!.record(chart.name, chart.version, 'signed', signed);
      progress.stage(chart.name, 'signed', signed.mode);
      guard();
      const lineage = await steps.lineage(chart, pushed, clog);
      r.lineage = lineage.file;
      await journal!.record(chart.name, chart.version, 'lineage', lineage);
      guard();
      progress.stage(chart.name, 'releasing');
      const artifacts = { pkg, pushed, signed, lineage };
      const draft = await steps.draftRelease(chart, artifacts, clog);
      drafts.push(draft);
      r.release = { tag: draft.tag, url: draft.url, draft: draft.draft };
      r.status = draft.draft ? 'drafted' : 'published';
      await journal!.record(chart.name, chart.version, 'release', { id: draft.id, tag: draft.tag, url: draft.url, draft: draft.draft });
      progress.stage(chart.name, r.status);
    } catch (error) {
      if (error instanceof Stopped) {
        r.status = 'skipped';
        r.why = 'another chart failed';
        progress.stage(chart.name, 'skipped');
        return;
      }
      failed = true;
      const e = asReleaseError(error, chart.name);
      r.status = 'failed';
      r.error = e.toJSON();
      report.errors.push(e.toJSON());
      await journal!.record(chart.name, chart.version, 'failed', { step: progressStep(r), code: e.code, message: e.message });
      progress.stage(chart.name, 'failed', e.message);
      throw error;
    } finally {
      progress.finish(chart.name);
    }
  });
  for (const [i, o] of outcomes.entries()) {
    if (o.status === 'skipped') Object.assign(chartReport(plan.charts[i]!.name), { status: 'skipped', why: 'another chart failed' });
  }

  if (failed) {
    const ours = drafts.filter((d) => d.draft);
    if (!config.keepDrafts && ours.length) {
      await steps.deleteDrafts(ours);
      for (const d of ours)
        Object.assign(chartReport(d.chart), { status: 'skipped', release: undefined, deletedDraft: d.tag, why: 'draft deleted after another chart failed' });
    }
    await journal!.setPhase('failed');
    progress.close();
    const pushed = report.charts.filter((c) => c.digest).map((c) => `${c.name}@${c.digest}`);
    report.resume =
      `No release was published.${pushed.length ? ` Already in the registry (kept, immutable; a re-run reuses them): ${pushed.join(', ')}.` : ''}` +
      `${config.keepDrafts && ours.length ? ` Drafts kept: ${ours.map((d) => d.tag).join(', ')}.` : ''} Fix the problem and re-run the job: finished steps are not repeated.`;
    return report;
  }

  // 4. publish every draft together (unless this is the first of two phases), then the manifest
  // once one draft is public there is no going back: roll forward, retrying until every draft is public
  const toPublish = options.phase === 'publish' ? [] : drafts.filter((d) => d.draft);
  const rolled = await publishRollingForward(
    toPublish,
    async (d) => {
      await steps.publishReleases([d]);
      const r = chartReport(d.chart);
      r.status = 'published';
      r.release = { tag: d.tag, url: d.url, draft: false };
      const entry = plan.charts.find((c) => c.name === d.chart)!;
      await journal!.record(entry.name, entry.version, 'release', { id: d.id, tag: d.tag, url: d.url, draft: false });
    },
    options.rollForward,
  );
  if (rolled.pending.length) return incompleteReport(report, rolled, journal!, progress);
  await journal!.setPhase(options.phase === 'publish' && drafts.some((d) => d.draft) ? 'running' : 'published');
  const manifestPath = join(config.workDir, 'release-manifest.json');
  const signedWith = (report.charts.find((c) => c.signature)?.signature?.mode ?? 'none') as SignedChart['mode'];
  await writeManifest(
    manifestPath,
    manifestFromJournal(journal!.data, {
      registry: plan.registry,
      repository: plan.repository,
      base: plan.base,
      runUrl: config.github.runUrl,
      completedAt: now().toISOString(),
      charts: plan.charts.map((c) => c.name),
      signing: certified
        ? { mode: signedWith, identity: certified.certificateIdentity, issuer: certified.issuer }
        : { mode: signedWith, identity: config.signing.identity, identityRegexp: config.signing.identityRegexp, issuer: config.signing.issuer },
    }),
  );
  report.manifest = manifestPath;
  // 5. the Helm repository index, once the releases it points at are public
  if (steps.publishIndex && options.phase !== 'publish') {
    try {
      await steps.publishIndex(drafts.map((d) => ({ chart: plan.charts.find((c) => c.name === d.chart)!, pkg: packages.get(d.chart)! })));
    } catch (error) {
      const e = asReleaseError(error);
      report.errors.push(e.toJSON());
      report.resume = 'The releases are published; the Helm repository index was not updated. Re-run the job: it writes nothing else and completes the index.';
      progress.close();
      return report;
    }
  }
  report.ok = true;
  progress.close();
  return report;
}

function progressStep(r: ChartReport): string {
  if (!r.digest) return 'push';
  if (!r.signature) return 'sign';
  if (!r.lineage) return 'lineage';
  return 'release';
}

/** Errors that escape a step: ReleaseErrors pass through (with the chart filled in); others become STEP_FAILED. */
function asReleaseError(error: unknown, chart?: string): ReleaseError {
  if (error instanceof AggregateReleaseError) return error;
  if (isReleaseError(error)) {
    return error.chart || !chart
      ? error
      : new ReleaseError(error.code, error.message, { chart, file: error.file, hint: error.hint, details: error.details, cause: error });
  }
  return new ReleaseError('STEP_FAILED', (error as Error)?.message ?? String(error), {
    chart,
    cause: error,
    hint: 're-run the job; finished steps are not repeated.',
  });
}

/** The report of a run whose drafts did not all go public: which are public, which are drafts, and how to finish. */
async function incompleteReport(
  report: PublishReport,
  rolled: { published: DraftedRelease[]; pending: { draft: DraftedRelease; error: unknown }[] },
  journal: Journal,
  progress: Progress,
): Promise<PublishReport> {
  const public_ = report.charts.filter((c) => c.status === 'published').map((c) => `${c.name} (${c.release?.tag})`);
  for (const { draft, error } of rolled.pending) {
    const e = publishIncomplete(draft.chart, draft.tag, error, public_);
    report.errors.push(e.toJSON());
    Object.assign(report.charts.find((c) => c.name === draft.chart)!, { status: 'drafted', error: e.toJSON() });
  }
  report.incomplete = true;
  report.resume =
    `Partly published. Public: ${public_.join(', ') || 'none'}. Still drafts: ${rolled.pending.map((p) => p.draft.tag).join(', ')}. ` +
    'Re-run the job to finish: it publishes the remaining drafts and repeats nothing else.';
  await journal.setPhase('running');
  progress.close();
  return report;
}
