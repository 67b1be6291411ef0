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

// the help (also for no command at all, then with exit code 2) is answered before the commands and the CLI
// plumbing load, so it starts about as fast as Node itself
const [first] = process.argv.slice(2);
if (!first || first === '--help' || first === '-h' || first === 'help') {
  writeStdout(HELP);
  process.exitCode = first ? 0 : 2;
} else await import('./cli-main.ts');
