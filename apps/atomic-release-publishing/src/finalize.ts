import { ReleaseError, silentLogger, type Logger, type ReleaseErrorJSON } from '@chart-release/core';
import type { ReleaseConfig } from './config.ts';
import { Journal } from './journal.ts';
import { adoptLegFiles, type ReadLeg } from './leg-result.ts';
import { formatPlan, type PlannedChart, type ReleasePlan } from './plan.ts';
import { runPreflight } from './preflight.ts';
import { createProgress, type Progress } from './progress.ts';
import { asReleaseError, completeRun, planRun, type PublishPipeline } from './publish.ts';
import { initialReport } from './publish-outcome.ts';
import type { PublishReport } from './report.ts';
import type { RollForwardOptions } from './roll-forward.ts';
import { isWarning, type AnyStage, type Problem, type Stage, type StageName } from './stage.ts';
import { StageRunner } from './stage-runner.ts';

export interface FinalizeOptions {
  /** Check the legs and read them back, write nothing. */
  dryRun?: boolean;
  logger?: Logger;
  progress?: Progress | ((charts: string[]) => Progress);
  now?: () => Date;
  rollForward?: RollForwardOptions;
  /** Problems found before (taking the run lease): reported, and nothing is written, not even a deletion. */
  problems?: Problem[];
  /** The workflow run finalize is part of (GITHUB_RUN_ID): a leg of another run is never this run's. */
  runId?: string;
  /** How one chart's leg is run again, for the error's fix (the CLI's command line by default). */
  rerunHint?: (chart: PlannedChart) => string;
}

const defaultRerun = (chart: PlannedChart) =>
  `re-run its leg ('chart-release publish --chart ${chart.name} --phase prepare'; in Actions: Re-run failed jobs), then finalize again`;

/**
 * The finalize job of a matrix run, all or nothing across the legs: plans the run as every leg did, takes each
 * planned chart's leg result (from another process, another machine), checks it belongs to this plan and run, reads
 * back what it names (the registry digest, the draft release: each stage's `readBack`), then publishes every draft
 * together and runs the finalize stages (the index), as a single-job publish ends. A leg missing, failed or not
 * there in fact stops it before any publish: this run's drafts are deleted (unless keepDrafts) and the report says
 * which legs to run again. A draft deleted that way is drafted anew by the next finalize from its leg's files.
 */
export async function runFinalize(
  config: ReleaseConfig,
  pipeline: PublishPipeline,
  read: { legs: ReadLeg[]; problems: ReleaseError[] },
  options: FinalizeOptions = {},
): Promise<PublishReport> {
  const log = options.logger ?? silentLogger;
  const now = options.now ?? (() => new Date());
  const rerun = options.rerunHint ?? defaultRerun;
  const { detected, plan, problems: factProblems } = await planRun(config, pipeline);
  log.info(formatPlan(plan).trimEnd());
  const report = initialReport(plan, detected, options.dryRun ?? false);
  const line = (name: string) => report.charts.find((c) => c.name === name)!;
  if (report.errors.length || !plan.charts.length) {
    report.ok = !report.errors.length;
    return report;
  }
  const before = (options.problems ?? []).filter((p): p is ReleaseError => !isWarning(p));
  if (before.length) {
    report.errors.push(...before.map((e) => e.toJSON()));
    report.resume = 'Nothing was written. Fix the problems above and run finalize again.';
    return report;
  }

  const names = plan.charts.map((c) => c.name);
  const progress = typeof options.progress === 'function' ? options.progress(names) : (options.progress ?? createProgress({ charts: names, quiet: true }));
  const journal = options.dryRun ? undefined : await Journal.open(config.workDir, plan.head, now());
  const runner = new StageRunner(plan, progress, journal, line, () => log, log);
  const problems: ReleaseError[] = [...read.problems];
  const failedLegs = new Set<string>();
  const legFailed = (chart: string, error: ReleaseError) => {
    failedLegs.add(chart);
    problems.push(error);
    Object.assign(line(chart), { status: 'failed', error: error.toJSON() });
  };

  // 1. each planned chart's leg: of this plan and this run, prepared, its files as it recorded them
  const ours = thisRunsLegs(read.legs, plan, options.runId, problems);
  for (const chart of plan.charts) {
    const leg = ours.get(chart.name);
    if (!leg) {
      legFailed(
        chart.name,
        new ReleaseError('LEG_MISSING', `no leg result for ${chart.name} ${chart.version}: its leg did not run, or its result was not handed on.`, {
          chart: chart.name,
          hint: rerun(chart),
        }),
      );
      continue;
    }
    try {
      await runner.adopt(pipeline.stages, chart, await adoptLegFiles(leg, chart));
    } catch (error) {
      legFailed(chart.name, asReleaseError(error, chart.name));
      continue;
    }
    if (leg.result.status === 'failed') {
      const e = leg.result.error;
      legFailed(
        chart.name,
        new ReleaseError(
          'LEG_FAILED',
          `the leg of ${chart.name} failed${e?.step ? ` at ${e.step}` : ''}: [${e?.code ?? 'STEP_FAILED'}] ${e?.message ?? 'no message'}`,
          {
            chart: chart.name,
            hint: `${e?.hint ? `${e.hint.replace(/\.$/, '')}; then ` : ''}${rerun(chart)}.`,
            details: { leg: leg.file, code: e?.code },
          },
        ),
      );
    }
  }

  // 2. read back what each leg names; a draft gone (deleted by an earlier finalize of this run) is drafted again
  const remake: { stage: AnyStage; chart: PlannedChart }[] = [];
  for (const run of runner.runs()) {
    for (const stage of pipeline.stages) {
      const recorded = (run.outputs as Record<string, unknown>)[stage.name];
      if (!stage.readBack || recorded === undefined || recorded === null) continue;
      try {
        const found = await (stage as Stage<StageName>).readBack!(run, recorded as never, { plan, log });
        if (found) {
          await runner.adopt([stage], run.chart, { [stage.name]: found });
        } else if (stage.publish && stage.run) {
          runner.forget(stage, run.chart);
          if (!failedLegs.has(run.chart.name)) remake.push({ stage, chart: run.chart });
        } else if (!failedLegs.has(run.chart.name)) {
          legFailed(
            run.chart.name,
            new ReleaseError('LEG_RESULT_MISMATCH', `the ${stage.name} result of the leg of ${run.chart.name} is not there: ${describe(stage, recorded)}.`, {
              chart: run.chart.name,
              hint: rerun(run.chart),
            }),
          );
        }
      } catch (error) {
        problems.push(asReleaseError(error, run.chart.name));
      }
    }
  }

  // 3. the publish and finalize stages' preflight over the whole plan, with the legs' outputs
  if (!problems.length) {
    const checks = pipeline.stages.filter((s) => s.publish || s.finalize);
    const preflight = await runPreflight(plan, checks, runner.outputs, factProblems);
    report.warnings.push(...preflight.warnings);
    problems.push(...preflight.errors);
  }

  const stop = async (): Promise<PublishReport> => {
    report.errors.push(...dedupe(problems.map((p) => p.toJSON())));
    const keep = options.dryRun || config.keepDrafts;
    const undone = keep ? [] : await runner.abort(pipeline.stages);
    // a leg that drafted its release and stopped before handing on its result left a draft no result names
    const unrecorded = plan.charts.filter((c) => !runner.outputs.get(c.name)?.release);
    let swept: string[] = [];
    if (!keep) {
      try {
        swept = await runner.sweep(pipeline.stages, unrecorded);
      } catch (error) {
        // the drafts named by leg results are gone already; the rest is reported and left to a later finalize
        report.errors.push(asReleaseError(error).toJSON());
      }
    }
    for (const name of failedLegs) line(name).status = 'failed';
    for (const name of undone) {
      const l = line(name);
      Object.assign(l, { status: failedLegs.has(name) ? 'failed' : 'skipped', deletedDraft: l.release?.tag, release: undefined });
      if (!failedLegs.has(name)) l.why = 'draft deleted: another leg failed';
    }
    for (const name of swept) Object.assign(line(name), { deletedDraft: plan.charts.find((c) => c.name === name)!.gitTag });
    const deleted = [...new Set([...undone, ...swept])];
    await journal?.setPhase('failed');
    progress.close();
    const legs = [...failedLegs].sort();
    report.resume =
      `No release was published.${legs.length ? ` Legs to run again: ${legs.join(', ')}.` : ''}` +
      `${
        deleted.length
          ? ` Drafts of this run deleted: ${plan.charts
              .filter((c) => deleted.includes(c.name))
              .map((c) => c.gitTag)
              .join(', ')}.`
          : ''
      }` +
      ' Run the failed legs again (in Actions: Re-run failed jobs, which runs this job after them), then finalize: the other legs are used as they are and drafts deleted here are drafted again from their files.';
    return report;
  };
  if (problems.length) return stop();
  if (options.dryRun) {
    report.ok = true;
    progress.close();
    return report;
  }

  // 4. what finalize itself undid earlier is made again, then every draft is published together and the index follows
  for (const { stage, chart } of remake) {
    try {
      await runner.run(stage, chart);
    } catch (error) {
      problems.push(asReleaseError(error, chart.name));
      return stop();
    }
  }
  return completeRun(config, plan, pipeline, { runner, report, journal: journal!, progress }, { publish: true, now, rollForward: options.rollForward });
}

/** The leg result of each chart from this plan and run; others are reported (and their drafts never touched). */
function thisRunsLegs(legs: ReadLeg[], plan: ReleasePlan, runId: string | undefined, problems: ReleaseError[]): Map<string, ReadLeg> {
  const ours = new Map<string, ReadLeg>();
  for (const leg of legs) {
    const r = leg.result;
    const chart = plan.charts.find((c) => c.name === r.chart.name);
    const foreign =
      r.run.fingerprint !== plan.fingerprint
        ? `it was made for another plan (head ${r.run.head.slice(0, 12)}, fingerprint ${r.run.fingerprint.slice(7, 19)}; this plan's is ${plan.fingerprint.slice(7, 19)})`
        : runId && r.run.id && r.run.id !== runId
          ? `it belongs to workflow run ${r.run.id}, this is run ${runId}`
          : !chart || chart.version !== r.chart.version
            ? `${r.chart.name} ${r.chart.version} is not in this plan`
            : undefined;
    if (foreign) {
      problems.push(
        new ReleaseError('LEG_RESULT_INVALID', `the leg result of ${r.chart.name} is not this run's: ${foreign}; it is left alone.`, {
          chart: r.chart.name,
          file: leg.file,
          hint: "download only this run's leg artifacts into the --from folder.",
        }),
      );
      continue;
    }
    const earlier = ours.get(r.chart.name);
    // two results of one chart (two attempts of its leg): the prepared one, else the later one
    if (!earlier || rank(leg) > rank(earlier)) ours.set(r.chart.name, leg);
  }
  return ours;
}

const rank = (leg: ReadLeg) => (leg.result.status === 'prepared' ? 1 : 0) + Date.parse(leg.result.run.finishedAt ?? '1970-01-01') / 1e15;

function describe(stage: AnyStage, recorded: unknown): string {
  const r = recorded as { ref?: string; digest?: string; tag?: string; id?: number };
  if (r.ref && r.digest) return `${r.ref} does not resolve to ${r.digest}`;
  if (r.tag) return `release ${r.tag} (id ${r.id}) is gone`;
  return `${stage.name} is gone`;
}

function dedupe(errors: ReleaseErrorJSON[]): ReleaseErrorJSON[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.code}\0${e.chart ?? ''}\0${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
