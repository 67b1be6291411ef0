import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  annotation,
  appendStepSummary,
  cliReport,
  createLogger,
  EXIT_CODES,
  formatHelp,
  inActions,
  isReleaseError,
  parseCli,
  registerSecret,
  ReleaseError,
  setOutput,
  writeErrorLines,
  writeJson,
  writeStderr,
  writeStdout,
  type Logger,
} from '@chart-release/core';
import type { Lease } from '@chart-release/github-release';
import { CONNECTION_OPTIONS, CONNECTION_SECTIONS, connectionFlags } from '../cli-options.ts';
import { loadConfig, type ReleaseConfig } from '../config.ts';
import type { JournalData } from '../journal.ts';
import { writeLegResults } from '../leg-result.ts';
import { createProgress } from '../progress.ts';
import { runPublish } from '../publish.ts';
import { renderStepSummary, renderTable, withRepositoryPaths, type PublishReport, type SummaryContext } from '../report.ts';
import { createPublishPipeline } from '../wiring/pipeline.ts';
import { takeRunLease } from '../wiring/run-lease.ts';
import { matrixLegs, parseMaxLegs } from '../matrix-legs.ts';

const OPTIONS = {
  ...CONNECTION_OPTIONS,
  base: { type: 'string' },
  head: { type: 'string' },
  'chart-dir': { type: 'string', multiple: true },
  concurrency: { type: 'string' },
  'push-mode': { type: 'string' },
  'keep-drafts': { type: 'boolean' },
  'dry-run': { type: 'boolean', default: false },
  phase: { type: 'string' },
  chart: { type: 'string', multiple: true },
  out: { type: 'string' },
  'max-legs': { type: 'string' },
} as const;

const help = (dryRun: boolean) =>
  formatHelp({
    command: `chart-release ${dryRun ? 'plan' : 'publish'}`,
    summary: dryRun ? 'what publish would do, with every preflight problem; writes nothing' : 'release every changed chart, all or nothing',
    usage: [`chart-release ${dryRun ? 'plan' : 'publish'} [options]`],
    description: dryRun
      ? 'Prints what publish would do and runs its preflight (registry and GitHub auth, version bumps, immutable\ntags and releases, required assets, helm lint), writing nothing.'
      : 'Publishes every chart changed between --base and --head, all or nothing: package -> preflight -> push ->\nsign -> lineage -> draft releases -> publish every draft together -> release manifest. A failure leaves no\npublished release (drafts of the run are deleted unless --keep-drafts); re-running finishes the job without\nduplicating anything.',
    options: `  --base <rev>          compare from (default: the push event's before, with fallbacks for new branches and
                        force pushes)
  --head <rev>          compare to (default: the push event's after, else HEAD)
  --chart-dir <dir>     folder holding charts (repeatable; default charts)
  --concurrency <n>     charts processed at once (default 4)
  --push-mode <mode>    helm (helm push) or native (built-in OCI client, same layout)
  --keep-drafts         on failure keep this run's draft releases
  --dry-run             plan and preflight only${dryRun ? ' (always on for plan)' : ''}
  --phase publish       two-phase release: push, sign and draft the releases, publish nothing; then
                        'chart-release promote --publish-drafts --manifest <file>' publishes them and moves latest
  --phase prepare       one leg of a matrix run: package, push, sign, attest and draft the --chart charts, publish
                        nothing, and write each chart's leg result (<chart>.leg.json and its files) to --out for
                        'chart-release finalize --from <dir>'; takes no run lease (the workflow's concurrency does)
  --chart <name>        with --phase prepare: the leg's chart (repeatable; default every planned chart)
  --out <dir>           with --phase prepare: where the leg results go (default <work-dir>/leg)
  --max-legs <n>        ${dryRun ? '' : 'with --dry-run: '}the report's legs: the planned charts as at most n matrix legs (1-256,
                        default 256, GitHub's matrix limit); beyond n charts a leg takes several
  --json                print the report {ok, charts, errors, warnings, dryRun, registry, base, head, ...} on stdout
  -h, --help            show this help`,
    sections: [
      ...CONNECTION_SECTIONS,
      {
        title: 'GitHub Actions',
        body: '  It also writes the step summary, ::error annotations on the files at fault, and the outputs\n  released (JSON) and manifest (path).',
      },
    ],
    exitCodes: dryRun ? {} : { 3: 'some releases are public, others still drafts (PUBLISH_INCOMPLETE): a re-run publishes the rest' },
  });

/** `chart-release publish` and `chart-release plan`; `onReport` receives the report (the Action's outputs use it). */
export async function publishCommand(argv: string[], options: { dryRun: boolean; onReport?: (report: PublishReport) => void }): Promise<number> {
  const { values } = parseCli(argv, OPTIONS, `chart-release ${options.dryRun ? 'plan' : 'publish'}`);
  if (values.help) {
    writeStdout(help(options.dryRun));
    return 0;
  }
  if (values.phase !== undefined && !['publish', 'prepare', 'all'].includes(values.phase)) {
    throw new ReleaseError('USAGE', `--phase must be 'publish', 'prepare' or 'all', not '${values.phase}'.`, {
      hint: "'publish' drafts without publishing; 'prepare' is one leg of a matrix run; 'all' (default) publishes.",
    });
  }
  const leg = values.phase === 'prepare';
  if (!leg && (values.chart || values.out)) {
    throw new ReleaseError('USAGE', `--${values.chart ? 'chart' : 'out'} goes with --phase prepare (one leg of a matrix run).`, {
      hint: "run 'chart-release publish --chart NAME --phase prepare --out DIR', then 'chart-release finalize --from DIR'.",
    });
  }
  const dryRun = options.dryRun || values['dry-run'];
  if (values['max-legs'] !== undefined && !dryRun) {
    throw new ReleaseError('USAGE', '--max-legs goes with plan (the matrix legs of a run are planned, not published).', {
      hint: "run 'chart-release plan --max-legs N --json' and give each leg its args.",
    });
  }
  const maxLegs = parseMaxLegs(values['max-legs']);
  const env = process.env;
  const config = loadConfig({
    cwd: values.cwd ?? process.cwd(),
    env,
    flags: {
      ...connectionFlags(values),
      chartDirs: values['chart-dir'],
      concurrency: values.concurrency === undefined ? undefined : Number(values.concurrency),
      pushMode: values['push-mode'] as 'helm' | 'native' | undefined,
      keepDrafts: values['keep-drafts'],
    },
  });
  registerSecret(config.github.token);
  const logger = createLogger();
  // a dry run writes nothing in the repository: it packages into a temporary folder unless a work folder is set
  const scratch = dryRun && !config.workDirConfigured ? await mkdtemp(join(tmpdir(), 'chart-release-plan-')) : undefined;
  if (scratch) config.workDir = scratch;
  const pipeline = createPublishPipeline(config, { base: values.base, head: values.head, env, logger, dryRun });
  // one publish run of the repository at a time: a second one (a re-run, a push without a concurrency group) waits;
  // a lease that cannot be taken is a problem preflight reports with the others, and nothing is written
  // a matrix leg takes none: hundreds of legs would queue on it; the finalize job takes it
  const taken = dryRun || leg ? {} : await publishLease(config, env, logger);
  const lease = taken.lease;
  let report: PublishReport;
  try {
    report = await runPublish(config, pipeline, {
      problems: taken.problem ? [taken.problem] : [],
      dryRun,
      phase: values.phase as 'all' | 'publish' | 'prepare' | undefined,
      charts: values.chart,
      logger,
      progress: (charts) => createProgress({ charts, quiet: values.json && !inActions() }),
      rollForward: { attempts: Number(env.CHART_RELEASE_PUBLISH_ATTEMPTS) || undefined },
    });
  } finally {
    await lease?.release();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  }
  // what a matrix run's plan hands its legs: every planned chart in one leg (`publish <args> --phase prepare`)
  if (dryRun)
    report.legs = matrixLegs(
      report.charts.filter((c) => c.status === 'planned').map((c) => c.name),
      maxLegs,
    );
  // a leg hands on what it did, failed or not: finalize reads it (from the leg's artifact)
  const legResults =
    leg && !dryRun && report.fingerprint
      ? await writeLegResults(resolve(config.cwd, values.out ?? join(config.workDir, 'leg')), report, await journalCharts(config.workDir), env)
      : undefined;
  return endRun(`chart-release ${options.dryRun ? 'plan' : 'publish'}`, report, { config, env, json: values.json, onReport: options.onReport, legResults });
}

/**
 * How publish and finalize end: the report with repository-relative paths, the step summary and outputs, the report
 * on stdout (naming the leg result files a matrix leg wrote), its error lines, and the exit code.
 */
export function endRun(
  command: string,
  run: PublishReport,
  context: { config: ReleaseConfig; env: NodeJS.ProcessEnv; json: boolean; onReport?: (report: PublishReport) => void; legResults?: string[] },
): number {
  const { config, env, legResults } = context;
  const report = withRepositoryPaths(run, config.cwd);
  emitOutputs(report, env, {
    serverUrl: config.github.serverUrl,
    runUrl: config.github.runUrl,
    signing: config.signing,
    manifest: report.manifest,
    cwd: config.cwd,
  });
  context.onReport?.(report);
  if (context.json) writeJson(cliReport({ ...report, ...(legResults ? { legResults } : {}) }));
  else writeStdout(`${renderTable(report)}${legResults ? `leg results: ${legResults.join(', ')}\n` : ''}`);
  writeErrorLines(command, report.errors);
  // some releases are public and others still drafts; a re-run finishes the job
  return report.ok ? EXIT_CODES.ok : report.incomplete ? EXIT_CODES.incomplete : EXIT_CODES.failure;
}

/** The journal's charts in the work folder (empty when there is none). */
async function journalCharts(workDir: string): Promise<JournalData['charts']> {
  try {
    return (JSON.parse(await readFile(join(workDir, 'journal.json'), 'utf8')) as JournalData).charts;
  } catch {
    return {};
  }
}

/** Step summary, warning annotations, and `released`/`manifest` outputs (Actions only). */
function emitOutputs(report: PublishReport, env: NodeJS.ProcessEnv, context: SummaryContext & { cwd: string }): void {
  appendStepSummary(renderStepSummary(report, context), env);
  // workflow commands on stderr (the runner reads both streams), so --json stdout stays JSON only; the errors'
  // annotations come with their error lines
  if (inActions(env)) for (const w of report.warnings) writeStderr(`${annotation('warning', w)}\n`);
  const released = report.charts
    .filter((c) => c.status === 'published' || (c.status === 'drafted' && !report.incomplete) || (report.dryRun && c.status === 'planned'))
    .map((c) => ({ name: c.name, version: c.version, digest: c.digest, ref: c.ref, release: c.release?.url }));
  setOutput('released', JSON.stringify(released), env);
  if (report.incomplete)
    setOutput('unpublished', JSON.stringify(report.charts.filter((c) => c.status === 'drafted').map((c) => c.release?.tag ?? c.name)), env);
  if (report.manifest) setOutput('manifest', resolve(context.cwd, report.manifest), env);
}

/**
 * The run lease, unless GitHub is not set up (preflight then reports why) or cannot be asked (a warning). A lease
 * refused with a ReleaseError (held by another run, a rejected token) comes back as the problem.
 */
export async function publishLease(config: ReleaseConfig, env: NodeJS.ProcessEnv, logger: Logger): Promise<{ lease?: Lease; problem?: ReleaseError }> {
  if (!config.github.token || !config.github.repository) return {};
  try {
    return { lease: await takeRunLease(config, env, logger, 'publish', 'publish run of this repository') };
  } catch (error) {
    if (isReleaseError(error)) return { problem: error };
    logger.warn(`could not take the run lease in GitHub, publishing without it: ${(error as Error).message}`);
    return {};
  }
}
