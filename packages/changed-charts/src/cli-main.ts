import { cliReport, createLogger, keepingWarnings, parseCli, ReleaseError, runCli, writeErrorLines, writeJson, writeStdout } from '@chart-release/core';
import { detectChangedCharts } from './detect.ts';
import { formatChangedChartsTable, writeActionsOutputs } from './output.ts';
import { HELP } from './cli-help.ts';

const OPTIONS = {
  base: { type: 'string' },
  head: { type: 'string' },
  'chart-dir': { type: 'string', multiple: true },
  ignore: { type: 'string', multiple: true },
  'target-branch': { type: 'string' },
  'tag-template': { type: 'string' },
  cwd: { type: 'string' },
  'no-cache': { type: 'boolean' },
  registry: { type: 'string' },
} as const;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, OPTIONS, 'changed-charts');
  if (values.help) {
    writeStdout(HELP);
    return 0;
  }
  if (positionals.length)
    throw new ReleaseError('USAGE', `unexpected argument '${positionals[0]}'.`, { hint: "use --base and --head for revisions; run 'changed-charts --help'." });
  const log = keepingWarnings(createLogger());
  const result = await detectChangedCharts({
    cwd: values.cwd ?? process.cwd(),
    base: values.base,
    head: values.head,
    chartDirs: values['chart-dir'],
    ignore: values.ignore,
    targetBranch: values['target-branch'],
    tagTemplate: values['tag-template'],
    cache: !values['no-cache'],
    registry: values.registry,
    logger: log,
  });
  const { charts, errors, notes, ...range } = result;
  if (values.json) writeJson(cliReport({ charts, errors, warnings: log.warnings, notes, ...range }));
  else writeStdout(formatChangedChartsTable(result));
  if (errors.length) {
    writeErrorLines('changed-charts', errors);
    return 1;
  }
  writeActionsOutputs(result);
  return 0;
}

await runCli('changed-charts', main);
