import { resolve } from 'node:path';
import { createLogger, formatHelp, inActions, parseCli, registerSecret, ReleaseError, writeStdout } from '@chart-release/core';
import { CONNECTION_OPTIONS, CONNECTION_SECTIONS, connectionFlags } from '../cli-options.ts';
import { loadConfig } from '../config.ts';
import { runFinalize } from '../finalize.ts';
import { readLegResults } from '../leg-result.ts';
import { createProgress } from '../progress.ts';
import type { PublishReport } from '../report.ts';
import { createPublishPipeline } from '../wiring/pipeline.ts';
import { endRun, publishLease } from './publish.ts';

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  from: { type: 'string' },
  base: { type: 'string' },
  head: { type: 'string' },
  'chart-dir': { type: 'string', multiple: true },
  'keep-drafts': { type: 'boolean' },
  'dry-run': { type: 'boolean', default: false },
} as const;

const HELP = formatHelp({
  command: 'chart-release finalize',
  summary: "publish every matrix leg's draft together, or none",
  usage: ['chart-release finalize --from <dir> [options]'],
  description: `The last job of a matrix run (one 'chart-release publish --chart NAME --phase prepare' leg per chart). It plans
the run as the legs did, reads every <chart>.leg.json under --from, checks that every planned chart has a leg of
this plan and workflow run that got through, and reads back what each names (the digest in the registry, the draft
release in GitHub). Then it publishes every draft together and completes the Helm repository index. If a leg is
missing or failed, it publishes nothing, deletes this run's drafts (never a published release, never another
run's) and names the legs to run again; after they ran, finalize again completes the job without repeating
anything (a draft it deleted is drafted again from its leg's files).`,
  options: `  --from <dir>          where the legs' results were downloaded (any depth: one folder per artifact is fine)
  --base <rev>, --head <rev>, --chart-dir <dir>   as for publish (the same as the legs got)
  --keep-drafts         on failure keep this run's draft releases
  --dry-run             check the legs and read them back; publish and delete nothing
  --json                print the report {ok, charts, errors, warnings, fingerprint, resume, ...} on stdout
  -h, --help            show this help`,
  sections: [
    ...CONNECTION_SECTIONS,
    {
      title: 'GitHub Actions',
      body: "  .github/workflows/chart-release.yml runs plan, the legs and finalize as one reusable workflow\n  (docs/adopting.md). Outputs: released (JSON) and manifest (path), as publish's.",
    },
  ],
  exitCodes: { 3: 'some releases are public, others still drafts (PUBLISH_INCOMPLETE): finalize again publishes the rest' },
});

/** `chart-release finalize --from <dir>`. */
export async function finalizeCommand(argv: string[], options: { onReport?: (report: PublishReport) => void } = {}): Promise<number> {
  const { values } = parseCli(argv, OPTIONS, 'chart-release finalize');
  if (values.help) {
    writeStdout(HELP);
    return 0;
  }
  if (!values.from) throw new ReleaseError('USAGE', 'missing --from <dir>.', { hint: "pass the folder the legs' results were downloaded to." });
  const env = process.env;
  const cwd = values.cwd ?? process.cwd();
  const config = loadConfig({
    cwd,
    env,
    flags: { ...connectionFlags(values), chartDirs: values['chart-dir'], keepDrafts: values['keep-drafts'] },
  });
  registerSecret(config.github.token);
  const dryRun = values['dry-run'];
  const legs = await readLegResults(resolve(cwd, values.from));
  const logger = createLogger();
  const pipeline = createPublishPipeline(config, { base: values.base, head: values.head, env, logger, dryRun });
  // the run's lease, as a single-job publish takes it: finalize is where a matrix run publishes
  const taken = dryRun ? {} : await publishLease(config, env, logger);
  let report: PublishReport;
  try {
    report = await runFinalize(config, pipeline, legs, {
      dryRun,
      logger,
      problems: taken.problem ? [taken.problem] : [],
      runId: env.GITHUB_RUN_ID,
      progress: (charts) => createProgress({ charts, quiet: values.json && !inActions() }),
      rollForward: { attempts: Number(env.CHART_RELEASE_PUBLISH_ATTEMPTS) || undefined },
    });
  } finally {
    await taken.lease?.release();
  }
  return endRun('chart-release finalize', report, { config, env, json: values.json, onReport: options.onReport });
}
