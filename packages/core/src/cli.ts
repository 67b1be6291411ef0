import { parseArgs, type ParseArgsConfig } from 'node:util';
import { cliReport, errorList, EXIT_CODES, writeErrorLines } from './cli-report.ts';
import { isReleaseError, ReleaseError } from './errors.ts';
import { writeJson, writeStderr } from './output.ts';

export type CliOptions = NonNullable<ParseArgsConfig['options']>;

/** Options every chart-release command accepts. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h', default: false },
  json: { type: 'boolean', default: false },
} as const satisfies CliOptions;

/** Extra behaviour of `parseCli`. */
export interface ParseCliOptions {
  /** Old flag names still accepted, each mapped to its new name, with a deprecation warning; never in `--help`. */
  aliases?: Record<string, string>;
}

/**
 * Parses `argv` against `options` (plus `--help` and `--json`); an unknown flag or a missing value is a
 * `USAGE` ReleaseError naming the flag (with the closest known flag for a typo) and pointing at `--help`.
 */
export function parseCli<O extends CliOptions>(argv: string[], options: O, command: string, extra: ParseCliOptions = {}) {
  const aliases = extra.aliases ?? {};
  const all = { ...COMMON_OPTIONS, ...options };
  const withAliases: CliOptions = { ...all };
  for (const [old, name] of Object.entries(aliases)) {
    const { default: _default, ...target } = all[name]!;
    withAliases[old] = target;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: withAliases as typeof all, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ReleaseError('USAGE', describeParseError(error as Error & { code?: string }, Object.keys(all)), {
      hint: `run '${command} --help' for the options`,
    });
  }
  const values = parsed.values as Record<string, unknown>;
  for (const [old, name] of Object.entries(aliases)) {
    if (values[old] === undefined) continue;
    writeStderr(`${command}: warning: --${old} is deprecated; use --${name}.\n`);
    if (values[name] === undefined || values[name] === all[name]?.default) values[name] = values[old];
    delete values[old];
  }
  return parsed;
}

/** parseArgs' message in our words: `unknown flag --usr (did you mean --username?)`, `--registry needs a value`. */
function describeParseError(error: Error & { code?: string }, names: string[]): string {
  const flag = /'(-{1,2}[^' ]+)/.exec(error.message)?.[1];
  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
    const guess = closestFlag(flag.replace(/^-+/, ''), names);
    return `unknown flag ${flag}${guess ? ` (did you mean --${guess}?)` : ''}.`;
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
    return /argument missing/.test(error.message) ? `${flag} needs a value.` : `${flag} takes no value.`;
  }
  return error.message;
}

/** The known flag nearest to `typed` (a prefix, an abbreviation, or a few edits away), if any. */
export function closestFlag(typed: string, names: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of names) {
    const distance = name.startsWith(typed) || typed.startsWith(name) ? 1 : abbreviates(typed, name) ? 2 : editDistance(typed, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(2, Math.floor(typed.length / 3)) ? best.name : undefined;
}

/** `usr` for `username`: the same first letter, then the rest in order. */
function abbreviates(typed: string, name: string): boolean {
  if (typed[0] !== name[0]) return false;
  let at = 0;
  for (const char of name) if (char === typed[at]) at++;
  return at === typed.length;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * Runs a CLI's `main`, turning its result into an exit code (`EXIT_CODES`): a ReleaseError prints its error lines
 * and exits 1 (2 for `USAGE`) without a stack; any other error is internal: stack, exit 70, a request to report it.
 * With `--json` a failure prints `{ ok: false, charts: [], errors, warnings: [] }` on stdout too. Everything printed
 * is redacted.
 */
export async function runCli(name: string, main: (argv: string[]) => Promise<number | void>, argv = process.argv.slice(2)): Promise<never> {
  const json = argv.includes('--json');
  let code: number;
  try {
    code = (await main(argv)) ?? EXIT_CODES.ok;
  } catch (error) {
    code = reportError(name, error, json);
  }
  process.exitCode = code;
  // let stdout drain before exiting
  await new Promise((resolve) => process.stdout.write('', resolve));
  process.exit(code);
}

function reportError(name: string, error: unknown, json: boolean): number {
  if (isReleaseError(error)) {
    const errors = errorList(error).map((e) => e.toJSON());
    writeErrorLines(name, errors, errors.length > 1 || error !== errorList(error)[0] ? error.message.split('\n')[0] : undefined);
    if (json) writeJson(cliReport({ ok: false, errors }));
    return error.code === 'USAGE' ? EXIT_CODES.usage : EXIT_CODES.failure;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  writeStderr(`${name}: internal error (a bug; please report it with this output):\n${stack}\n`);
  if (json) writeJson(cliReport({ ok: false, errors: [{ code: 'INTERNAL', message: String((error as Error)?.message ?? error) }] }));
  return EXIT_CODES.internal;
}
