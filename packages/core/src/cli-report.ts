import { annotation, inActions } from './actions.ts';
import { AggregateReleaseError, formatErrorLine, ReleaseError, type ReleaseErrorJSON } from './errors.ts';
import { writeStderr } from './output.ts';

/** The exit codes every chart-release bin uses. */
export const EXIT_CODES = {
  ok: 0,
  /** A problem to fix; the error line names its code, the chart and file, and the fix. */
  failure: 1,
  /** An unknown flag, a missing or malformed value. */
  usage: 2,
  /** Part of the work is done and a re-run finishes it (`PUBLISH_INCOMPLETE`); only commands that say so. */
  incomplete: 3,
  /** A bug: an error that is not a ReleaseError. */
  internal: 70,
} as const;

/** The `--json` shape of every bin, on success and on failure; commands add their own fields after these. */
export interface CliReport {
  ok: boolean;
  /** One entry per chart (or chart artifact) the command looked at. */
  charts: unknown[];
  errors: ReleaseErrorJSON[];
  warnings: string[];
}

/** `{ ok, charts, errors, warnings, ...rest }`; `ok` is "no errors" unless given. */
export function cliReport<T extends object>(
  fields: { ok?: boolean; charts?: unknown[]; errors?: ReleaseErrorJSON[]; warnings?: string[] } & T,
): CliReport & Omit<T, keyof CliReport> {
  const { ok, charts = [], errors = [], warnings = [], ...rest } = fields;
  return { ok: ok ?? errors.length === 0, charts, errors, warnings, ...(rest as Omit<T, keyof CliReport>) };
}

/** The errors a failure stands for: an aggregate's own problems, else the error itself. */
export function errorList(error: ReleaseError): ReleaseError[] {
  return error instanceof AggregateReleaseError ? error.errors : [error];
}

/**
 * Writes problems to stderr in the one error-line format (`<command>: [CODE] chart file: message Fix: hint`), and in
 * GitHub Actions as `::error` annotations on the files at fault too. `summary` heads a list of several.
 */
export function writeErrorLines(command: string, errors: ReleaseErrorJSON[], summary?: string): void {
  if (!errors.length) return;
  const lines =
    summary || errors.length > 1
      ? [summary ?? `${errors.length} problems found:`, ...errors.map((e) => `  - ${formatErrorLine(e)}`)]
      : [formatErrorLine(errors[0]!)];
  writeStderr(`${command}: ${lines.join('\n')}\n`);
  if (inActions()) {
    // the runner reads workflow commands on stderr too; stdout stays for results (JSON only with --json)
    for (const e of errors) writeStderr(`${annotation('error', formatErrorLine(e), { file: e.file, line: e.line, title: e.chart ?? e.code })}\n`);
  }
}
