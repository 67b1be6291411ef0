import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AggregateReleaseError, formatErrorLine, isReleaseError, ReleaseError } from './errors.ts';
import { annotation, inActions } from './actions.ts';
import { redact } from './redact.ts';

export type CliOptions = NonNullable<ParseArgsConfig['options']>;

/** Options every chart-release command accepts. */
export const COMMON_OPTIONS = {
  help: { type: 'boolean', short: 'h', default: false },
  json: { type: 'boolean', default: false },
} as const satisfies CliOptions;

/**
 * Parses `argv` against `options` (plus `--help` and `--json`); an unknown flag or a missing value is a
 * `USAGE` ReleaseError naming the flag and pointing at `--help`.
 */
export function parseCli<O extends CliOptions>(argv: string[], options: O, command: string) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new ReleaseError('USAGE', (error as Error).message, { hint: `run '${command} --help' for the options` });
  }
}

/**
 * Runs a CLI's `main`, turning its result into an exit code: a ReleaseError prints its message (and, with `--json`,
 * a JSON error on stdout) and exits 1 without a stack; any other error is internal: stack, exit 70, a request to
 * report it. Everything printed is redacted.
 */
export async function runCli(name: string, main: (argv: string[]) => Promise<number | void>, argv = process.argv.slice(2)): Promise<never> {
  const json = argv.includes('--json');
  let code: number;
  try {
    code = (await main(argv)) ?? 0;
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
    const lines =
      error instanceof AggregateReleaseError
        ? [error.message.split('\n')[0]!, ...error.errors.map((e) => `  - ${formatErrorLine(e)}`)]
        : [formatErrorLine(error)];
    process.stderr.write(redact(`${name}: ${lines.join('\n')}\n`));
    if (inActions()) {
      const all = error instanceof AggregateReleaseError ? error.errors : [error];
      for (const e of all)
        process.stdout.write(redact(annotation('error', formatErrorLine(e), { file: e.file, line: e.line, title: e.chart ?? e.code })) + '\n');
    }
    if (json) process.stdout.write(redact(JSON.stringify({ ok: false, error: error.toJSON() }, null, 2)) + '\n');
    return error.code === 'USAGE' ? 2 : 1;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(redact(`${name}: internal error (a bug; please report it with this output):\n${stack}\n`));
  if (json)
    process.stdout.write(redact(JSON.stringify({ ok: false, error: { code: 'INTERNAL', message: String((error as Error)?.message ?? error) } })) + '\n');
  return 70;
}
