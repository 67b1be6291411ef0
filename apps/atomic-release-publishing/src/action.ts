#!/usr/bin/env node
// The GitHub Action's entry: reads the step's inputs from INPUT_* (as the runner sets them, or as action.yml maps
// them for the composite action), turns them into the CLI's arguments and runs the same command functions.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { registerSecret, runCli, setOutput } from '@chart-release/core';
import { actionArgv, readActionInputs } from './action-inputs.ts';
import { finalizeCommand } from './commands/finalize.ts';
import { manifestCommand, verifyCommand } from './commands/manifest.ts';
import { promoteCommand, rollbackCommand } from './commands/promote.ts';
import { publishCommand } from './commands/publish.ts';
import { limitHeapGrowth } from './heap-growth.ts';
import type { PublishReport } from './report.ts';

export { ACTION_COMMANDS, actionArgv, booleanInput, readActionInputs, splitArgs } from './action-inputs.ts';
export type { ActionCommand, ActionInputs } from './action-inputs.ts';

/** Outputs of `plan`: the charts it would release, as the changed-charts CLI writes them. */
function writePlanOutputs(report: PublishReport, env: NodeJS.ProcessEnv): void {
  const charts = report.charts.filter((c) => c.status === 'planned');
  setOutput('charts', JSON.stringify(charts.map((c) => c.name)), env);
  setOutput('matrix', JSON.stringify({ include: charts.map((c) => ({ chart: c.name, path: c.path, version: c.version })) }), env);
  // the reusable workflow's matrix: at most 256 legs (GitHub's matrix limit), a leg taking several charts beyond that
  setOutput('legs', JSON.stringify({ include: report.legs ?? [] }), env);
  // the range every leg and the finalize job of a matrix run are given, so all of them plan the same run
  setOutput('base', report.base, env);
  setOutput('head', report.head, env);
}

/**
 * Runs the Action in this process: the token becomes GITHUB_TOKEN (masked), then the command runs as
 * `chart-release <command>` would, reading the rest of the runner's environment (GITHUB_*, SIGSTORE_*, ...).
 */
export async function runAction(): Promise<number> {
  const env = process.env;
  const inputs = readActionInputs(env);
  if (inputs.token) {
    registerSecret(inputs.token);
    if (env.GITHUB_ACTIONS === 'true') process.stdout.write(`::add-mask::${inputs.token}\n`);
    env.GITHUB_TOKEN = inputs.token;
  }
  const { command, argv } = actionArgv(inputs);
  switch (command) {
    case 'publish':
    case 'plan':
      // the CLI sets them before loading the command (cli-main.ts); the Action's bundle has loaded it already
      limitHeapGrowth();
      return publishCommand(argv, { dryRun: command === 'plan', onReport: (report) => command === 'plan' && writePlanOutputs(report, env) });
    case 'finalize':
      return finalizeCommand(argv);
    case 'verify':
      return verifyCommand(argv);
    case 'manifest':
      return manifestCommand(argv);
    case 'promote':
      return promoteCommand(argv);
    case 'rollback':
      return rollbackCommand(argv);
  }
}

function isEntry(): boolean {
  if (!process.argv[1]) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntry()) await runCli('chart-release action', () => runAction(), []);
