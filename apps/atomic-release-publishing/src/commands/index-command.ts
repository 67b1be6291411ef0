import { cliReport, createLogger, formatHelp, keepingWarnings, parseCli, registerSecret, ReleaseError, writeJson, writeStdout } from '@chart-release/core';
import { CONNECTION_OPTIONS, CONNECTION_SECTIONS, connectionFlags } from '../cli-options.ts';
import { loadConfig } from '../config.ts';
import { githubContext } from '../wiring/clients.ts';
import { refreshIndexFromReleases } from '../wiring/index-stage.ts';

const HELP = formatHelp({
  command: 'chart-release index',
  summary: 'complete, rebuild or prune the Helm repository index from the published releases',
  usage: ['chart-release index [--rebuild [--prune]] [--dry-run] [--json] [options]'],
  description: `Brings the Helm repository index (index.yaml on the Pages branch, gh-pages by default) up to date with every chart
package attached to a published release, whatever tag template made it (chart-releaser's {name}-{version} too):
each .tgz is downloaded, its Chart.yaml read and its sha256 taken. Written through the Git Data API like publish.`,
  options: `  --rebuild     recreate the index from the published releases alone (recovery, migration); entries for
                versions without a release would be lost, so this is refused unless --prune
  --prune       with --rebuild: drop those entries
  --dry-run     report what would change; write nothing
  --json        print {ok, charts (the entries added or removed), errors, warnings, branch, path, ...} on stdout
  -h, --help    show this help`,
  sections: CONNECTION_SECTIONS,
});

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
    writeStdout(HELP);
    return 0;
  }
  if (values.prune && !values.rebuild) throw new ReleaseError('USAGE', '--prune only goes with --rebuild.', { hint: 'chart-release index --rebuild --prune' });
  const config = loadConfig({ cwd: values.cwd ?? process.cwd(), env: process.env, flags: connectionFlags(values) });
  registerSecret(config.github.token);
  const logger = keepingWarnings(createLogger());
  const github = githubContext(config, logger);
  const result = await refreshIndexFromReleases(config, () => github, logger, { rebuild: values.rebuild, prune: values.prune, dryRun: values['dry-run'] });
  if (values.json) {
    const charts = [...result.added.map((e) => ({ ...e, change: 'added' })), ...result.removed.map((e) => ({ ...e, change: 'removed' }))];
    writeJson(cliReport({ ...result, charts, warnings: [...logger.warnings, ...result.warnings] }));
    return 0;
  }
  const verb = result.dryRun ? 'would write' : 'wrote';
  const lines = [
    `${result.branch}:${result.path}: ${result.entries} entries, ${result.bytes} bytes${result.written.length ? ` (${verb} ${result.written.join(', ')}${result.commit ? ` in ${result.commit.slice(0, 12)}` : ''})` : ' (up to date, nothing written)'}`,
    ...result.added.map((e) => `  added     ${e.name} ${e.version}`),
    ...result.removed.map((e) => `  removed   ${e.name} ${e.version}`),
    ...result.warnings.map((w) => `  warning   ${w}`),
  ];
  writeStdout(`${lines.join('\n')}\n`);
  return 0;
}
