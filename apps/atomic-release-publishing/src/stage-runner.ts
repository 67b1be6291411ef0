import type { Logger } from '@chart-release/core';
import type { Journal, JournalChart } from './journal.ts';
import type { PlannedChart, ReleasePlan } from './plan.ts';
import type { Progress } from './progress.ts';
import type { ChartReport } from './report.ts';
import type { AnyStage, ChartOutputs, ChartRun, RunContext, Stage, StageName, StageOutputs } from './stage.ts';

/**
 * Runs stages for the charts of one plan and keeps what they return: each output goes to the chart's later stages,
 * its report line (the stage's `report`), the progress display and the journal, under the stage's name.
 */
export class StageRunner {
  readonly outputs: Map<string, ChartOutputs>;
  private readonly plan: ReleasePlan;
  private readonly progress: Progress;
  private readonly journal: Journal | undefined;
  private readonly line: (chart: string) => ChartReport;
  private readonly chartLog: (chart: string) => Logger;
  private readonly log: Logger;

  constructor(
    plan: ReleasePlan,
    progress: Progress,
    journal: Journal | undefined,
    line: (chart: string) => ChartReport,
    chartLog: (chart: string) => Logger,
    log: Logger,
  ) {
    this.plan = plan;
    this.progress = progress;
    this.journal = journal;
    this.line = line;
    this.chartLog = chartLog;
    this.log = log;
    this.outputs = new Map(plan.charts.map((c) => [c.name, {}]));
  }

  /** Every chart of the plan with the outputs its stages returned so far. */
  runs(): ChartRun[] {
    return this.plan.charts.map((chart) => ({ chart, outputs: this.outputs.get(chart.name)! }));
  }

  /** Runs one stage for one chart (with the chart's own logger) and records its output. */
  async run(stage: AnyStage, chart: PlannedChart): Promise<void> {
    this.progress.stage(chart.name, stage.verb ?? stage.name);
    const output = await (stage as Stage<StageName>).run!(chart, this.outputs.get(chart.name)!, { plan: this.plan, log: this.chartLog(chart.name) });
    await this.record(stage, chart, output);
  }

  /** Takes outputs another process returned for one chart (a matrix leg's) as if its stages had run here. */
  async adopt(stages: readonly AnyStage[], chart: PlannedChart, outputs: ChartOutputs): Promise<void> {
    for (const stage of stages) {
      const output = (outputs as Record<string, unknown>)[stage.name];
      if (output !== undefined) await this.record(stage, chart, output as StageOutputs[StageName]);
    }
  }

  /** Forgets one stage's output for a chart (it is gone, and the stage runs again). */
  forget(stage: AnyStage, chart: PlannedChart): void {
    delete (this.outputs.get(chart.name)! as Record<string, unknown>)[stage.name];
  }

  /** Makes one chart's result of `stage` public; a stage with nothing to do returns undefined. */
  async publish(stage: AnyStage, run: ChartRun): Promise<void> {
    const output = await (stage as Stage<StageName>).publish!(run, this.context(run.chart));
    if (output !== undefined) await this.record(stage, run.chart, output);
  }

  /** Runs `stage`'s finalize over every chart and records the outputs it returns. */
  async finalize(stage: AnyStage): Promise<void> {
    const changed = await (stage as Stage<StageName>).finalize!(this.runs(), { plan: this.plan, log: this.log });
    for (const [name, output] of changed) {
      const chart = this.plan.charts.find((c) => c.name === name);
      if (chart) await this.record(stage, chart, output);
    }
  }

  /** Takes outputs an earlier run recorded (a finished run, confirmed) as this run's, without journaling them again. */
  restore(stages: readonly AnyStage[], chart: PlannedChart, outputs: ChartOutputs): void {
    Object.assign(this.outputs.get(chart.name)!, outputs);
    const line = this.line(chart.name);
    for (const stage of stages) {
      const output = (outputs as Record<string, unknown>)[stage.name];
      if (output !== undefined) (stage as Stage<StageName>).report?.(output as never, line);
    }
    this.progress.stage(chart.name, line.status, 'already done');
    this.progress.finish(chart.name);
  }

  /** Runs the sweep of every stage that has one for `charts`, last stage first; returns the charts it undid. */
  async sweep(stages: readonly AnyStage[], charts: PlannedChart[]): Promise<string[]> {
    if (!charts.length) return [];
    return this.undo(stages, (stage, ctx) => stage.sweep?.(charts, ctx));
  }

  /** Runs the abort of every stage that has one, last stage first; returns the charts whose writes were undone. */
  async abort(stages: readonly AnyStage[]): Promise<string[]> {
    return this.undo(stages, (stage, ctx) => stage.abort?.(this.runs(), ctx));
  }

  /** One undoing step of each stage, last stage first; the charts any of them undid. */
  private async undo(stages: readonly AnyStage[], step: (stage: AnyStage, ctx: RunContext) => Promise<string[]> | undefined): Promise<string[]> {
    const undone = new Set<string>();
    for (const stage of [...stages].reverse()) for (const name of (await step(stage, { plan: this.plan, log: this.log })) ?? []) undone.add(name);
    return [...undone];
  }

  private context(chart: PlannedChart): RunContext {
    return { plan: this.plan, log: this.chartLog(chart.name) };
  }

  private async record(stage: AnyStage, chart: PlannedChart, output: StageOutputs[StageName]): Promise<void> {
    (this.outputs.get(chart.name)! as Record<string, unknown>)[stage.name] = output;
    const line = this.line(chart.name);
    const detail = (stage as Stage<StageName>).report?.(output, line);
    await this.journal?.record(chart.name, chart.version, stage.name as keyof JournalChart, output as never);
    this.progress.stage(chart.name, line.status === 'planned' ? stage.name : line.status, detail);
  }
}
