import { AggregateReleaseError, isReleaseError, ReleaseError, silentLogger, type Logger, type ReleaseErrorJSON } from '@chart-release/core';
import { chartIdentityProblems } from './chart-identity.ts';
import { runBounded } from './concurrency.ts';
import type { ReleaseConfig } from './config.ts';
import { confirmFinishedRun } from './finished-run.ts';
import { Journal } from './journal.ts';
import { buildReleasePlan, formatPlan, onlyCharts, type DependencyNote, type DetectedChart, type PlanFacts, type ReleasePlan } from './plan.ts';
import { runPreflight } from './preflight.ts';
import { createProgress, type Progress } from './progress.ts';
import { publishRollingForward, type RollForwardOptions } from './roll-forward.ts';
import type { PublishReport } from './report.ts';
import { incompleteReport, initialReport, writeRunManifest } from './publish-outcome.ts';
import { isWarning, type AnyStage, type PlannedWrite, type Problem } from './stage.ts';
import { StageRunner } from './stage-runner.ts';

export interface DetectResult {
  base: string;
  head: string;
  baseSource?: string;
  charts: DetectedChart[];
  errors: ReleaseErrorJSON[];
  /** Charts depending by name on a released chart (not released for it). */
  notes?: DependencyNote[];
}
/** The facts planning reads (read-only), and the problems met reading them (reported with preflight's). */
export interface GatheredFacts {
  facts: PlanFacts;
  problems: Problem[];
}

/**
 * A publish run's outside world: change detection, the facts planning reads, and the stages in run order. Every
 * stage is idempotent (a re-run finds what an earlier attempt did).
 */
export interface PublishPipeline {
  detect(): Promise<DetectResult>;
  /** Reads what the plan needs besides detection (chart count, Chart.yaml fields, lineage); writes nothing. */
  gatherFacts?(plan: ReleasePlan): Promise<GatheredFacts>;
  stages: readonly AnyStage[];
  /** Writes of the run itself rather than of a stage (the run lease). */
  writes?(plan: ReleasePlan): PlannedWrite[];
}

export interface PublishOptions {
  dryRun?: boolean;
  /**
   * `all` (default): publish the drafts at the end. `publish`: the first phase of a two-phase release — push, sign
   * and draft, then stop; `chart-release promote --publish-drafts` publishes them once someone has checked them.
   * `prepare`: a matrix leg — the same stop, for `charts`; `chart-release finalize` publishes every leg's draft.
   */
  phase?: 'all' | 'publish' | 'prepare';
  /** Only these charts of the plan (a matrix leg's; with phase `prepare`); the fingerprint stays the whole plan's. */
  charts?: readonly string[];
  logger?: Logger;
  /** Progress display, or a factory given the planned chart names. */
  progress?: Progress | ((charts: string[]) => Progress);
  now?: () => Date;
  /** How publishing the drafts is retried once the first is public. */
  rollForward?: RollForwardOptions;
  /** Problems found before the run (taking the run lease), reported with preflight's: the run then writes nothing. */
  problems?: Problem[];
}

class Stopped extends Error {}

/** The plan of a run: detection, the facts read for it, and every stage's planned writes. */
export async function planRun(
  config: ReleaseConfig,
  pipeline: PublishPipeline,
  options: { charts?: readonly string[] } = {},
): Promise<{ detected: DetectResult; plan: ReleasePlan; problems: Problem[] }> {
  const detected = await pipeline.detect();
  const narrow = (p: ReleasePlan) => (options.charts ? onlyCharts(p, options.charts) : p);
  const outline = narrow(buildReleasePlan(detected, config));
  const gathered = outline.charts.length && pipeline.gatherFacts ? await pipeline.gatherFacts(outline) : { facts: {}, problems: [] };
  const plan = narrow(buildReleasePlan(detected, config, gathered.facts));
  plan.writes = plan.charts.length ? [...(pipeline.writes?.(plan) ?? []), ...pipeline.stages.flatMap((s) => s.writes?.(plan) ?? [])] : [];
  return { detected, plan, problems: gathered.problems };
}

/**
 * Publishes every changed chart, all or nothing: plan -> prepare stages (package) -> every stage's preflight in one
 * round -> per chart (bounded concurrency) the chart stages in order (push, sign, attest, lineage, draft release) ->
 * publish every draft together -> release manifest -> finalize stages (the index). A failure stops new writes,
 * aborts what is not public yet (this run's drafts, unless keepDrafts) and reports how a re-run resumes.
 */
export async function runPublish(config: ReleaseConfig, pipeline: PublishPipeline, options: PublishOptions = {}): Promise<PublishReport> {
  const log = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const { detected, plan, problems: factProblems } = await planRun(config, pipeline, { charts: options.charts });
  log.info(formatPlan(plan).trimEnd());
  const report = initialReport(plan, detected, options.dryRun ?? false);
  const chartReport = (name: string) => report.charts.find((c) => c.name === name)!;
  if (report.errors.length && !plan.charts.length) return report;
  if (!plan.charts.length) {
    report.ok = true;
    return report;
  }

  const names = plan.charts.map((c) => c.name);
  const progress = typeof options.progress === 'function' ? options.progress(names) : (options.progress ?? createProgress({ charts: names, quiet: true }));
  const journal = options.dryRun ? undefined : await Journal.open(config.workDir, plan.head, now());
  // each line names its chart once: a library message that starts with the chart's name loses it
  const once = (name: string, m: string) => (m.startsWith(`${name}: `) ? m.slice(name.length + 2) : m);
  const chartLog = (name: string): Logger => ({
    debug: (m) => log.debug(`[${name}] ${once(name, m)}`),
    info: (m) => progress.log(name, once(name, m)),
    // collected once: the end of the run lists them (table, step summary, one annotation each)
    warn: (m) => {
      report.warnings.push(`${name}: ${once(name, m)}`);
      progress.log(name, `warning: ${once(name, m)}`);
    },
    error: (m, where) => log.error(`${name}: ${m}`, where),
    group: (_t, fn) => fn(),
  });
  const runner = new StageRunner(plan, progress, journal, chartReport, chartLog, log);

  // a chart is its folder and its name: charts sharing a name are an error (and are not packaged, since they would
  // share one package file); a name other than the folder's is a warning
  const identity = chartIdentityProblems(plan.charts);
  for (const w of identity.warnings) log.warn(w.message, { file: w.file });
  report.warnings.push(...identity.warnings.map((w) => w.message));
  report.errors.push(...identity.errors.map((e) => e.toJSON()));
  const duplicated = new Set(identity.errors.map((e) => e.chart));
  const checkable: ReleasePlan = { ...plan, charts: plan.charts.filter((c) => !duplicated.has(c.name)) };

  // 0. a re-run of a finished run: what the journal holds, confirmed with a few reads, is the result; nothing is
  // packaged, checked or written again
  const early = [...(options.problems ?? []), ...factProblems];
  const finished = journal && !identity.errors.length && early.every(isWarning) ? await confirmFinishedRun(plan, pipeline.stages, journal, log) : undefined;
  if (finished) {
    report.warnings.push(...early.filter(isWarning).map((w) => (w.chart && !w.warning.startsWith(`${w.chart}: `) ? `${w.chart}: ${w.warning}` : w.warning)));
    for (const chart of plan.charts) {
      const outputs = finished.get(chart.name)!;
      runner.restore(pipeline.stages, chart, outputs);
      // the one line a chart's push always gets, here from the confirming read
      if (outputs.pushed) chartLog(chart.name).info(`already in the registry: ${outputs.pushed.ref}@${outputs.pushed.digest}`);
    }
    log.info(`every planned chart is already published at ${plan.head.slice(0, 12)}: nothing to do`);
    report.manifest = await writeRunManifest(config, plan, journal!, runner, now);
    report.ok = true;
    progress.close();
    return report;
  }

  // 1. prepare stages (packaging): local, no remote write; every chart is tried so one failure hides no other
  const prepare = pipeline.stages.filter((s) => s.phase === 'prepare' && s.run);
  const prepareProblems: Problem[] = [];
  await runBounded(checkable.charts, config.concurrency, async (chart) => {
    try {
      for (const stage of prepare) await runner.run(stage, chart);
    } catch (error) {
      prepareProblems.push(asReleaseError(error, chart.name));
    }
  });

  // 2. preflight: every stage's checks in one round, every problem at once, before anything is written anywhere
  const preflight = await runPreflight(checkable, pipeline.stages, runner.outputs, [...(options.problems ?? []), ...factProblems, ...prepareProblems]);
  report.warnings.push(...preflight.warnings);
  report.errors.push(...preflight.errors.map((e) => e.toJSON()));
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

  // 3. per chart: the chart stages in order; the first failure stops new writes
  let failed = false;
  const chartStages = pipeline.stages.filter((s) => s.phase === 'chart' && s.run);
  const outcomes = await runBounded(plan.charts, config.concurrency, async (chart) => {
    const r = chartReport(chart.name);
    let current = '';
    try {
      for (const stage of chartStages) {
        if (failed) throw new Stopped('stopped: another chart failed');
        current = stage.name;
        await runner.run(stage, chart);
      }
    } catch (error) {
      if (error instanceof Stopped) {
        Object.assign(r, { status: 'skipped', why: 'another chart failed' });
        progress.stage(chart.name, 'skipped');
        return;
      }
      failed = true;
      const e = asReleaseError(error, chart.name);
      Object.assign(r, { status: 'failed', error: e.toJSON() });
      report.errors.push(e.toJSON());
      await journal!.record(chart.name, chart.version, 'failed', { step: current, code: e.code, message: e.message });
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
    const undone = config.keepDrafts ? [] : await runner.abort(pipeline.stages);
    for (const name of undone) {
      const line = chartReport(name);
      Object.assign(line, { status: 'skipped', deletedDraft: line.release?.tag, release: undefined, why: 'draft deleted after another chart failed' });
    }
    await journal!.setPhase('failed');
    progress.close();
    const pushed = report.charts.filter((c) => c.digest).map((c) => `${c.name}@${c.digest}`);
    const kept = config.keepDrafts ? report.charts.filter((c) => c.release?.draft).map((c) => c.release!.tag) : [];
    report.resume =
      `No release was published.${pushed.length ? ` Already in the registry (kept, immutable; a re-run reuses them): ${pushed.join(', ')}.` : ''}` +
      `${kept.length ? ` Drafts kept: ${kept.join(', ')}.` : ''} Fix the problem and re-run the job: finished steps are not repeated.`;
    return report;
  }

  // 4.-5. publish every draft together, the manifest, then the finalize stages (the index); the first of two
  // phases and a matrix leg stop at the drafts
  const drafting = options.phase === 'publish' || options.phase === 'prepare';
  return completeRun(config, plan, pipeline, { runner, report, journal: journal!, progress }, { ...options, publish: !drafting, now });
}

/** What a run has built up by the time its drafts are ready: the runner with every chart's outputs, the report, the journal. */
export interface RunState {
  runner: StageRunner;
  report: PublishReport;
  journal: Journal;
  progress: Progress;
}

/**
 * The end of a run once every chart got its draft (a single job's, or finalize's after the matrix legs): make every
 * chart public, rolling forward (once one is public there is no going back: retry until every chart is), write the
 * release manifest, then the finalize stages (the Helm repository index). With `publish: false` (the first of two
 * phases, a matrix leg) only the manifest is written.
 */
export async function completeRun(
  config: ReleaseConfig,
  plan: ReleasePlan,
  pipeline: PublishPipeline,
  { runner, report, journal, progress }: RunState,
  options: Pick<PublishOptions, 'rollForward'> & { publish: boolean; now: () => Date },
): Promise<PublishReport> {
  if (options.publish) {
    for (const stage of pipeline.stages.filter((s) => s.publish)) {
      const rolled = await publishRollingForward(runner.runs(), (run) => runner.publish(stage, run), options.rollForward);
      if (rolled.pending.length) return incompleteReport(report, rolled.pending, journal, progress);
    }
  }
  const drafted = report.charts.some((c) => c.release?.draft);
  await journal.setPhase(!options.publish && drafted ? 'running' : 'published');
  report.manifest = await writeRunManifest(config, plan, journal, runner, options.now);
  if (options.publish) {
    for (const stage of pipeline.stages.filter((s) => s.finalize)) {
      try {
        await runner.finalize(stage);
      } catch (error) {
        report.errors.push(asReleaseError(error).toJSON());
        report.resume = `The releases are published; the ${stage.verb ?? stage.name} step did not finish. Re-run the job: it writes nothing else and completes it.`;
        progress.close();
        return report;
      }
    }
  }
  report.ok = true;
  progress.close();
  return report;
}

/** Errors that escape a step: ReleaseErrors pass through (with the chart filled in); others become STEP_FAILED. */
export function asReleaseError(error: unknown, chart?: string): ReleaseError {
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
