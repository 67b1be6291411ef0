import { inActions, redact } from '@chart-release/core';

/** What a chart is doing: the built-in words, or a stage's name or verb. */
export type ChartStage =
  | 'queued'
  | 'packaging'
  | 'packaged'
  | 'pushing'
  | 'pushed'
  | 'signing'
  | 'signed'
  | 'releasing'
  | 'drafted'
  | 'published'
  | 'failed'
  | 'skipped'
  | (string & {});

/**
 * Per-chart progress that reads well where it is shown: in a terminal, one live line per chart redrawn in place;
 * in GitHub Actions, each chart's lines collected and printed inside a `::group::` when the chart finishes (parallel
 * charts would otherwise interleave); elsewhere (files, CI logs), plain `[chart] message` lines.
 */
export interface Progress {
  stage(chart: string, stage: ChartStage, detail?: string): void;
  log(chart: string, message: string): void;
  /** Prints the group of a finished chart (Actions) or the final frame (terminal). */
  finish(chart: string): void;
  close(): void;
}

export interface ProgressOptions {
  charts: string[];
  stream?: NodeJS.WriteStream | { write(text: string): boolean; isTTY?: boolean };
  actions?: boolean;
  /** No output at all (--json runs). */
  quiet?: boolean;
}

/** Creates the progress display suited to where the output goes. */
export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { stage() {}, log() {}, finish() {}, close() {} };
  if (options.actions ?? inActions()) return actionsProgress(stream);
  if (stream.isTTY) return terminalProgress(options.charts, stream);
  return plainProgress(stream);
}

// the steps log these outcomes themselves, with the reference ("pushed: <ref>@<digest>", "already in the registry")
const LOGGED_BY_STEP = new Set<ChartStage>(['pushed', 'signed']);

function plainProgress(stream: { write(text: string): boolean }): Progress {
  return {
    stage(chart, stage, detail) {
      if (LOGGED_BY_STEP.has(stage)) return;
      stream.write(redact(`[${chart}] ${stage}${detail ? `: ${detail}` : ''}\n`));
    },
    log(chart, message) {
      stream.write(redact(`[${chart}] ${message}\n`));
    },
    finish() {},
    close() {},
  };
}

function actionsProgress(stream: { write(text: string): boolean }): Progress {
  const buffered = new Map<string, string[]>();
  const lines = (chart: string) => buffered.get(chart) ?? buffered.set(chart, []).get(chart)!;
  return {
    stage(chart, stage, detail) {
      if (LOGGED_BY_STEP.has(stage)) return;
      lines(chart).push(`${stage}${detail ? `: ${detail}` : ''}`);
    },
    log(chart, message) {
      lines(chart).push(message);
    },
    finish(chart) {
      const collected = lines(chart);
      stream.write(redact(`::group::${chart}\n${collected.join('\n')}\n::endgroup::\n`));
      buffered.delete(chart);
    },
    close() {
      for (const chart of [...buffered.keys()]) this.finish(chart);
    },
  };
}

function terminalProgress(charts: string[], stream: { write(text: string): boolean }): Progress {
  const state = new Map(charts.map((c) => [c, { stage: 'queued' as ChartStage, detail: '' }]));
  const width = Math.max(8, ...charts.map((c) => c.length));
  let drawn = 0;
  const icon: Partial<Record<ChartStage, string>> = { published: '✔', drafted: '✔', failed: '✖', skipped: '–' };
  const draw = () => {
    if (drawn) stream.write(`\x1b[${drawn}A`);
    for (const [chart, s] of state) {
      stream.write(redact(`\x1b[2K${icon[s.stage] ?? '•'} ${chart.padEnd(width)}  ${s.stage}${s.detail ? `  ${s.detail}` : ''}\n`));
    }
    drawn = state.size;
  };
  return {
    stage(chart, stage, detail) {
      state.set(chart, { stage, detail: detail ?? '' });
      draw();
    },
    log(chart, message) {
      const s = state.get(chart);
      if (s) {
        s.detail = message;
        draw();
      }
    },
    finish() {},
    close() {
      draw();
    },
  };
}
