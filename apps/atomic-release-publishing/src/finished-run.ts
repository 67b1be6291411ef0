import type { Logger } from '@chart-release/core';
import type { Journal } from './journal.ts';
import type { ReleasePlan } from './plan.ts';
import type { AnyStage, ChartOutputs, ChartRun, Stage, StageName } from './stage.ts';

/**
 * The outputs of a run that is already finished, by chart, when the journal says so and the stages confirm it;
 * undefined otherwise (the run then goes through every stage, each idempotent on its own).
 *
 * Finished means: the journal of this commit is `published`, no chart failed in it, and it holds, for every
 * planned chart at its planned version, the output of every stage that runs per chart or finalizes. The stages
 * with a `confirm` check their recorded outputs against the outside world with reads only (the push stage the
 * tag's digest, the release stage the one listing of releases); one chart they cannot confirm (a tag moved to
 * other content, a release deleted or back to a draft) sends the whole run the long way, where it fails or is
 * repaired as without a journal.
 */
export async function confirmFinishedRun(
  plan: ReleasePlan,
  stages: readonly AnyStage[],
  journal: Journal,
  log: Logger,
): Promise<Map<string, ChartOutputs> | undefined> {
  if (journal.data.phase !== 'published' || !plan.charts.length) return undefined;
  // a finalize stage that plans no write for this plan (the index turned off) has recorded nothing and has nothing to do
  const recorded = (stage: AnyStage) => stage.run !== undefined || (stage.finalize !== undefined && (stage.writes?.(plan).length ?? 1) > 0);
  const runs: ChartRun[] = [];
  for (const chart of plan.charts) {
    const entry = journal.data.charts[chart.name];
    if (!entry || entry.version !== chart.version || entry.failed) return undefined;
    const outputs: ChartOutputs = {};
    for (const stage of stages.filter(recorded)) {
      if (!(stage.name in entry)) return undefined;
      (outputs as Record<string, unknown>)[stage.name] = entry[stage.name];
    }
    if (outputs.release && outputs.release.draft) return undefined;
    runs.push({ chart, outputs });
  }
  const confirming = stages.filter((s) => s.confirm);
  // a read that fails confirms nothing: the long way finds out what is wrong and says so
  const confirmed = await Promise.all(
    confirming.map((s) =>
      (s as Stage<StageName>).confirm!(runs, { plan, log }).catch((error: unknown) => {
        log.debug(`${s.name} could not confirm the journal: ${(error as Error)?.message ?? error}`);
        return new Map<string, unknown>();
      }),
    ),
  );
  for (const [i, stage] of confirming.entries()) {
    const outputs = confirmed[i]!;
    const missing = runs.filter((r) => !outputs.has(r.chart.name)).map((r) => r.chart.name);
    if (missing.length) {
      log.debug(`the journal says this commit is published; ${stage.name} could not confirm ${missing.join(', ')}: running every step`);
      return undefined;
    }
    for (const run of runs) (run.outputs as Record<string, unknown>)[stage.name] = outputs.get(run.chart.name);
  }
  return new Map(runs.map((r) => [r.chart.name, r.outputs]));
}
