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

const EXIT_MEANINGS: Record<number, string> = {
  0: 'done',
  1: 'a problem to fix: each error line names its code, the chart and file, and the fix',
  2: 'a usage error: an unknown flag, a missing or malformed value',
  3: 'part of the work is done (PUBLISH_INCOMPLETE): a re-run finishes it',
  70: 'an internal error (a bug): please report it with the output',
};

/** What `formatHelp` lays out; every bin's `--help` is built from one. */
export interface HelpSpec {
  /** The command as typed: `chart-push`, `chart-release promote`. */
  command: string;
  /** One line on what it does. */
  summary: string;
  /** Usage lines, without the leading `Usage:`. */
  usage: string[];
  /** Paragraphs after the usage. */
  description?: string;
  /** The option lines, each `  --flag <value>   what it does`; `--json` and `-h, --help` are added when absent. */
  options: string;
  /** More sections after the options (`Environment`, `Credentials`, `Error codes`), titles without the colon. */
  sections?: { title: string; body: string }[];
  /** Exit codes beyond 0, 1, 2 and 70 that this command uses (3), or other words for one. */
  exitCodes?: Record<number, string>;
}

/**
 * The one `--help` layout: `<command>: <summary>`, `Usage:`, the description, `Options:` (with `--json` and
 * `--help`), further sections, and `Exit codes:`.
 */
export function formatHelp(spec: HelpSpec): string {
  const options = spec.options.replace(/\n+$/, '').split('\n');
  if (!options.some((l) => /^\s+--json\b/.test(l)))
    options.push('  --json                 print the result as JSON on stdout: {ok, charts, errors, warnings, ...}');
  if (!options.some((l) => /^\s+-h, --help\b/.test(l))) options.push('  -h, --help             show this help');
  const codes = { ...EXIT_MEANINGS, ...spec.exitCodes };
  const used = [0, 1, 2, ...Object.keys(spec.exitCodes ?? {}).map(Number), 70].filter((c, i, all) => all.indexOf(c) === i).sort((a, b) => a - b);
  const parts = [
    `${spec.command}: ${spec.summary}`,
    `Usage:\n${spec.usage.map((u) => `  ${u}`).join('\n')}`,
    ...(spec.description ? [spec.description.trim()] : []),
    `Options:\n${options.join('\n')}`,
    ...(spec.sections ?? []).map((s) => `${s.title}:\n${s.body.replace(/\n+$/, '')}`),
    `Exit codes:\n${used.map((c) => `  ${String(c).padEnd(3)} ${codes[c]}`).join('\n')}`,
  ];
  return `${parts.join('\n\n')}\n`;
}

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
