import { createLogger, parseCli, registerSecret, ReleaseError } from '@chart-release/core';
import { CONNECTION_HELP, CONNECTION_OPTIONS, connectionFlags } from '../cli-options.ts';
import { loadConfig } from '../config.ts';
import { githubContext } from '../wiring/clients.ts';
import { refreshIndexFromReleases } from '../wiring/index-stage.ts';

const HELP = `Usage: chart-release index [--rebuild [--prune]] [--dry-run] [--json] [options]

Brings the Helm repository index (index.yaml on the Pages branch, gh-pages by default) up to date with every chart
package attached to a published release, whatever tag template made it (chart-releaser's {name}-{version} too):
each .tgz is downloaded, its Chart.yaml read and its sha256 taken. Written through the Git Data API like publish.

Options:
  --rebuild     recreate the index from the published releases alone (recovery, migration); entries for
                versions without a release would be lost, so this is refused unless --prune
  --prune       with --rebuild: drop those entries
  --dry-run     report what would change; write nothing
  --json        the result as JSON on stdout
${CONNECTION_HELP}
`;

/** `chart-release index`: complete, rebuild or prune the Helm repository index from the published releases. */
export async function indexCommand(argv: string[]): Promise<number> {
  const { values } = parseCli(
    argv,
    {
      ...CONNECTION_OPTIONS,
      rebuild: { type: 'boolean', default: false },
      prune: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
    'chart-release index',
  );
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (values.prune && !values.rebuild) throw new ReleaseError('USAGE', '--prune only goes with --rebuild.', { hint: 'chart-release index --rebuild --prune' });
  const config = loadConfig({ cwd: values.cwd ?? process.cwd(), env: process.env, flags: connectionFlags(values) });
  registerSecret(config.github.token);
  const logger = createLogger();
  const github = githubContext(config, logger);
  const result = await refreshIndexFromReleases(config, () => github, logger, { rebuild: values.rebuild, prune: values.prune, dryRun: values['dry-run'] });
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ ok: true, ...result }, null, 2)}\n`);
    return 0;
  }
  const verb = result.dryRun ? 'would write' : 'wrote';
  const lines = [
    `${result.branch}:${result.path}: ${result.entries} entries, ${result.bytes} bytes${result.written.length ? ` (${verb} ${result.written.join(', ')}${result.commit ? ` in ${result.commit.slice(0, 12)}` : ''})` : ' (up to date, nothing written)'}`,
    ...result.added.map((e) => `  added     ${e.name} ${e.version}`),
    ...result.removed.map((e) => `  removed   ${e.name} ${e.version}`),
    ...result.warnings.map((w) => `  warning   ${w}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
