// Runs a JavaScript Action (runs.using: node24) the way the GitHub Actions runner does: the inputs of action.yml
// with their defaults as INPUT_<NAME> (upper-cased, spaces as `_`, hyphens kept), GITHUB_OUTPUT and
// GITHUB_STEP_SUMMARY files, GITHUB_ACTION_PATH, RUNNER_TEMP, the job's environment, and `node <runs.main>` in the
// workspace. https://docs.github.com/en/actions/sharing-automations/creating-actions/metadata-syntax-for-github-actions
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type Result } from 'execa';
import { parse } from 'yaml';

interface ActionMetadata {
  inputs?: Record<string, { default?: string }>;
  runs: { using: string; main?: string };
}

export interface RunActionOptions {
  /** The folder holding action.yml (the checkout of the pinned commit). */
  actionDir: string;
  /** The job's working directory (GITHUB_WORKSPACE). */
  workspace: string;
  /** The step's `with:`; `${{ github.token }}` in a default becomes `githubToken`. */
  with?: Record<string, string>;
  githubToken?: string;
  /** The job's environment (PATH, GITHUB_*, ...): nothing else of the caller's reaches the step. */
  env: Record<string, string>;
  /** Node to run the entry with (the runner's own; default this process's). */
  node?: string;
}

export interface ActionRun {
  result: Result<{ all: true; reject: false }>;
  outputs: Record<string, string>;
  summary: string;
}

/** Reads a $GITHUB_OUTPUT file (`name<<delimiter` blocks) into name -> value. */
export function parseActionOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const m of text.matchAll(/^(.+?)<<(\S+)\n([\s\S]*?)\n\2$/gm)) outputs[m[1]!] = m[3]!;
  return outputs;
}

/** Runs the Action's `runs.main` as the runner would for one step; returns the process, its outputs and summary. */
export async function runNodeAction(options: RunActionOptions): Promise<ActionRun> {
  const metadata = parse(await readFile(join(options.actionDir, 'action.yml'), 'utf8')) as ActionMetadata;
  if (!/^node\d+$/.test(metadata.runs.using) || !metadata.runs.main) throw new Error(`action.yml runs.using is ${metadata.runs.using}, not a node action`);
  const temp = await mkdtemp(join(options.env.RUNNER_TEMP ?? '/tmp', 'step-'));
  const outputFile = join(temp, 'output');
  const summaryFile = join(temp, 'summary.md');
  await Promise.all([writeFile(outputFile, ''), writeFile(summaryFile, '')]);
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(metadata.inputs ?? {})) {
    const value = options.with?.[name] ?? spec.default?.replaceAll('${{ github.token }}', options.githubToken ?? '');
    if (value !== undefined) inputs[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  const result = await execa(options.node ?? process.execPath, [join(options.actionDir, metadata.runs.main)], {
    cwd: options.workspace,
    env: {
      ...options.env,
      ...inputs,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: options.workspace,
      GITHUB_ACTION_PATH: options.actionDir,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_TEMP: options.env.RUNNER_TEMP ?? temp,
    },
    extendEnv: false,
    reject: false,
    all: true,
  });
  return { result, outputs: parseActionOutputs(await readFile(outputFile, 'utf8')), summary: await readFile(summaryFile, 'utf8') };
}
