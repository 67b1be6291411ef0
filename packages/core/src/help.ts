// The `@chart-release/core/help` entry: what a bin needs to answer `--help`, and nothing more, so that a help path
// loads neither the error catalogue nor the Actions plumbing of the index.
export { writeStdout } from './output.ts';

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
