// The Action's inputs, as the runner passes them (INPUT_*), mapped to the CLI's arguments; pure, no I/O.
import { ReleaseError } from '@chart-release/core';

/** The inputs of action.yml, as strings ('' when not given). */
export interface ActionInputs {
  command: string;
  registry: string;
  chartDirs: string;
  signing: string;
  concurrency: string;
  config: string;
  dryRun: string;
  keepDrafts: string;
  plainHttp: string;
  base: string;
  head: string;
  token: string;
  args: string;
}

const INPUT_NAMES: Record<keyof ActionInputs, string> = {
  command: 'command',
  registry: 'registry',
  chartDirs: 'chart-dirs',
  signing: 'signing',
  concurrency: 'concurrency',
  config: 'config',
  dryRun: 'dry-run',
  keepDrafts: 'keep-drafts',
  plainHttp: 'plain-http',
  base: 'base',
  head: 'head',
  token: 'token',
  args: 'args',
};

export const ACTION_COMMANDS = ['publish', 'plan', 'finalize', 'verify', 'manifest', 'promote', 'rollback'] as const;
export type ActionCommand = (typeof ACTION_COMMANDS)[number];

/**
 * Reads the inputs as the runner exposes them: `INPUT_` + the name upper-cased with spaces as `_` (so
 * `INPUT_CHART-DIRS`); the `_` spelling (`INPUT_CHART_DIRS`) is accepted too, for shells that cannot export `-`.
 */
export function readActionInputs(env: NodeJS.ProcessEnv = process.env): ActionInputs {
  const read = (name: string) => {
    const key = `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
    return (env[key] ?? env[key.replace(/-/g, '_')] ?? '').trim();
  };
  return Object.fromEntries(Object.entries(INPUT_NAMES).map(([field, name]) => [field, read(name)])) as unknown as ActionInputs;
}

/** `true`/`false` inputs as YAML 1.2 core booleans, like `core.getBooleanInput`. */
export function booleanInput(name: string, value: string, fallback = false): boolean {
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new ReleaseError('USAGE', `input '${name}' is '${value}', expected true or false.`, {
    hint: `set '${name}: true' or '${name}: false' in the step's with:.`,
  });
}

/** Splits the `args` input like a shell would (whitespace, single and double quotes, backslash escapes). */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let current: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = undefined;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) current += text[++i];
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current ??= '';
    } else if (/\s/.test(ch)) {
      if (current !== undefined) out.push(current);
      current = undefined;
    } else if (ch === '\\' && i + 1 < text.length) {
      current = (current ?? '') + text[++i];
    } else {
      current = (current ?? '') + ch;
    }
  }
  if (quote) throw new ReleaseError('USAGE', `input 'args' has an unclosed ${quote} quote.`, { hint: 'close the quote, or drop it.' });
  if (current !== undefined) out.push(current);
  return out;
}

/** The command and its CLI arguments for the inputs; only the options the command takes are passed on. */
export function actionArgv(inputs: ActionInputs): { command: ActionCommand; argv: string[] } {
  const command = (inputs.command || 'publish') as ActionCommand;
  if (!ACTION_COMMANDS.includes(command)) {
    throw new ReleaseError('USAGE', `input 'command' is '${inputs.command}'.`, { hint: `use one of ${ACTION_COMMANDS.join(', ')}.` });
  }
  const argv: string[] = [];
  const flag = (name: string, value: string) => value && argv.push(`--${name}`, value);
  const dryRun = booleanInput('dry-run', inputs.dryRun);
  if (command !== 'manifest') {
    flag('config', inputs.config);
    flag('registry', inputs.registry);
    flag('signing', inputs.signing);
    if (booleanInput('plain-http', inputs.plainHttp)) argv.push('--plain-http');
  }
  if (command === 'publish' || command === 'plan' || command === 'finalize') {
    for (const dir of inputs.chartDirs.split(',').map((d) => d.trim())) flag('chart-dir', dir);
    if (command !== 'finalize') flag('concurrency', inputs.concurrency);
    flag('base', inputs.base);
    flag('head', inputs.head);
    if (booleanInput('keep-drafts', inputs.keepDrafts)) argv.push('--keep-drafts');
  }
  if (dryRun && (command === 'publish' || command === 'finalize' || command === 'promote' || command === 'rollback')) argv.push('--dry-run');
  const extra = splitArgs(inputs.args);
  // manifest takes its subcommand first; the others take positionals anywhere
  return { command, argv: command === 'manifest' ? [...extra, ...argv] : [...argv, ...extra] };
}
