// Everything of `chart-release` but its help: loaded by cli.ts once a command is named.
import { closestFlag, ReleaseError, runCli, writeStdout } from '@chart-release/core';

// the heap limits come first: loading the command's modules would otherwise grow the young generation for the run
async function publishOrPlan(argv: string[], dryRun: boolean): Promise<number> {
  (await import('./heap-growth.ts')).limitHeapGrowth();
  return (await import('./commands/publish.ts')).publishCommand(argv, { dryRun });
}

// each command's modules load only when it runs, so `--help` and a mistyped command start as fast as Node itself
const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  publish: (argv) => publishOrPlan(argv, false),
  plan: (argv) => publishOrPlan(argv, true),
  finalize: async (argv) => (await import('./commands/finalize.ts')).finalizeCommand(argv),
  verify: async (argv) => (await import('./commands/manifest.ts')).verifyCommand(argv),
  manifest: async (argv) => (await import('./commands/manifest.ts')).manifestCommand(argv),
  promote: async (argv) => (await import('./commands/promote.ts')).promoteCommand(argv),
  rollback: async (argv) => (await import('./commands/promote.ts')).rollbackCommand(argv),
  index: async (argv) => (await import('./commands/index-command.ts')).indexCommand(argv),
};

async function main(argv: string[]): Promise<number> {
  const [command = '', ...rest] = argv;
  if (command === '--version') {
    const { readFileSync } = await import('node:fs');
    writeStdout(`${(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version}\n`);
    return 0;
  }
  // own keys only: `chart-release constructor` is an unknown command, not Object's constructor
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    const guess = command.startsWith('-') ? undefined : closestFlag(command, Object.keys(COMMANDS));
    throw new ReleaseError('USAGE', `unknown ${command.startsWith('-') ? 'flag' : 'command'} '${command}'${guess ? ` (did you mean ${guess}?)` : ''}.`, {
      hint: `run 'chart-release --help' for the commands: ${Object.keys(COMMANDS).join(', ')}`,
    });
  }
  return run(rest);
}

await runCli('chart-release', main);
