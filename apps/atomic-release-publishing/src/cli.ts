#!/usr/bin/env node
import { formatHelp, writeStdout } from '@chart-release/core/help';

const HELP = formatHelp({
  command: 'chart-release',
  summary: 'release every changed Helm chart of a repository, all or nothing',
  usage: ['chart-release <command> [options]   (chart-release <command> --help for its options)'],
  options: `  --version              print the version
  --json                 every command: print {ok, charts, errors, warnings, ...} on stdout
  -h, --help             show this help`,
  sections: [
    {
      title: 'Commands',
      body: `  publish     detect changed charts, package, push (OCI), sign by digest, attach lineage, draft one GitHub
              release per chart, then publish them together; nothing is published unless every chart got through
  plan        what publish would do, with every preflight problem (publish --dry-run)
  finalize    publish every matrix leg's draft together (legs: publish --chart NAME --phase prepare), or none
  verify      check a release manifest against the registry and the signatures
  manifest    generate | verify a release manifest
  promote     move a tag (stable, latest, vX.Y.Z) to a published, signed digest
  rollback    move a channel back to its previous (or a named) digest
  index       complete (or --rebuild) the Helm repository index on the Pages branch from the published releases

  Every command takes --json and --help; commands that write take --dry-run.`,
    },
  ],
  exitCodes: { 3: 'publish: some releases are public, others still drafts (PUBLISH_INCOMPLETE); a re-run publishes the rest' },
});

// each command's modules load only when it runs, so `--help` and a mistyped command start as fast as Node itself
const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  publish: async (argv) => (await import('./commands/publish.ts')).publishCommand(argv, { dryRun: false }),
  plan: async (argv) => (await import('./commands/publish.ts')).publishCommand(argv, { dryRun: true }),
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
    const { closestFlag, ReleaseError } = await import('@chart-release/core');
    const guess = command.startsWith('-') ? undefined : closestFlag(command, Object.keys(COMMANDS));
    throw new ReleaseError('USAGE', `unknown ${command.startsWith('-') ? 'flag' : 'command'} '${command}'${guess ? ` (did you mean ${guess}?)` : ''}.`, {
      hint: `run 'chart-release --help' for the commands: ${Object.keys(COMMANDS).join(', ')}`,
    });
  }
  return run(rest);
}

// the help (also for no command at all, then with exit code 2) is answered before the CLI plumbing loads
const [first] = process.argv.slice(2);
if (!first || first === '--help' || first === '-h' || first === 'help') {
  writeStdout(HELP);
  process.exitCode = first ? 0 : 2;
} else {
  const { runCli } = await import('@chart-release/core');
  await runCli('chart-release', main);
}
