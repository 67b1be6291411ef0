import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { readChartYaml, type ChartMetadata } from '@chart-release/chart-metadata';
import { isReleaseError, ReleaseError, silentLogger, type Logger } from '@chart-release/core';
import { readChartArchive } from './chart-archive.ts';
import {
  ChartDependencyError,
  dependencyError,
  dependencyRequests,
  parseChartLock,
  satisfiesConstraint,
  staleLockEntries,
  wantedVersion,
  type DependencyRequest,
} from './chart-dependencies.ts';
import type { DependencyFetcher } from './dependency-fetcher.ts';
import { fileDigest } from './digest.ts';
import { runHelm, type HelmRunner, type PackagedChart } from './helm-cli.ts';
import { makeArchiveReproducible } from './reproducible.ts';

/** What `packageChart` needs besides the chart. */
export interface PackageChartInput {
  /** The chart folder; it is only read (packaging works on a copy). */
  chartDir: string;
  /** Where the `.tgz` goes. */
  destination: string;
  /** A work folder for the copy (the run's work folder; the system's temporary folder by default); what packaging puts there is removed after. */
  scratchDir?: string;
  helm?: HelmRunner;
  logger?: Logger;
  /** Fetches chart-repository and registry dependencies (once per run); without it a chart with such dependencies fails. */
  dependencies?: DependencyFetcher;
  /**
   * A package of this run that stands for a dependency (a sibling chart released in the same push), used instead
   * of fetching it or packaging its file:// folder; undefined to fetch as usual.
   */
  localPackage?: (request: DependencyRequest, chart: ChartMetadata) => Promise<string | undefined>;
  /** Time stamped on every archive entry and on the file, so the same content always packages to the same bytes. */
  mtime?: Date;
}

/**
 * `helm package` of a copy of the chart folder, its dependencies in the copy's `charts/`: file:// ones packaged from
 * their folders (relative to the chart's own folder), chart-repository and registry ones fetched with helm (the
 * version of Chart.lock when there is one, else the Chart.yaml constraint as helm resolves it), aliases and
 * conditions left to helm as Chart.yaml states them. The checkout is never written. Every dependency that cannot be
 * had is reported at once (ChartDependencyError, DEPENDENCY_* codes).
 */
export async function packageChart(input: PackageChartInput): Promise<PackagedChart> {
  const chartDir = resolve(input.chartDir);
  const logger = input.logger ?? silentLogger;
  const chartFile = join(chartDir, 'Chart.yaml');
  const chart = await readChartYaml(chartDir);
  const scratchDir = resolve(input.scratchDir ?? tmpdir());
  await mkdir(scratchDir, { recursive: true });
  const scratch = await mkdtemp(join(scratchDir, `${chart.name}-`));
  try {
    const copy = join(scratch, basename(chartDir));
    await cp(chartDir, copy, { recursive: true, preserveTimestamps: true });
    if (chart.dependencies.length) await placeDependencies({ ...input, chartDir, logger }, chart, copy, join(scratch, 'file-dependencies'));
    logger.info('helm package');
    const destination = resolve(input.destination);
    await mkdir(destination, { recursive: true });
    const out = await runHelm(input.helm, ['package', copy, '--destination', destination], {
      chart: chart.name,
      file: chartFile,
      code: 'HELM_PACKAGE_FAILED',
      hint: "run 'helm lint' on the chart and fix what it reports",
    }).catch((error: unknown) => {
      // a dependency without a repository that charts/ does not hold: helm says "missing in charts/ directory"
      const missing = /found in Chart\.yaml, but missing in charts\/ directory: (.+)$/m.exec(error instanceof Error ? error.message : '')?.[1];
      if (!missing) throw error;
      throw new ChartDependencyError(
        missing
          .split(',')
          .map((name) =>
            dependencyError(
              'DEPENDENCY_NOT_FOUND',
              { chart: chart.name, file: chartFile, request: { name: name.trim(), repository: '', source: { kind: 'vendored' } } },
              'Chart.yaml names it without a repository and charts/ does not hold it: give its repository (https://, oci:// or file://) or commit it into charts/',
            ),
          ),
      );
    });
    const saved = /saved it to:\s*(\S.*\.tgz)\s*$/m.exec(`${out.stdout}\n${out.stderr}`)?.[1];
    if (!saved)
      throw new ReleaseError('HELM_PACKAGE_FAILED', `helm package printed no archive path for ${chart.name}: ${out.stdout}`, {
        chart: chart.name,
        file: chartFile,
      });
    if (input.mtime) await makeArchiveReproducible(saved, input.mtime);
    const archive = await readChartArchive(saved);
    const { digest } = await fileDigest(saved);
    return { tgz: saved, sha256: digest.slice('sha256:'.length), name: archive.chart.name, version: archive.chart.version };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

// puts every dependency's archive into the copy's charts/, collecting every problem before throwing
async function placeDependencies(input: PackageChartInput & { logger: Logger }, chart: ChartMetadata, copy: string, packaged: string): Promise<void> {
  const chartFile = join(input.chartDir, 'Chart.yaml');
  const lockText = await readFile(join(copy, 'Chart.lock'), 'utf8').catch(() => undefined);
  const requests = dependencyRequests(chart.dependencies, lockText ? parseChartLock(lockText) : undefined);
  const charts = join(copy, 'charts');
  await mkdir(charts, { recursive: true });
  const subject = { chart: chart.name, file: chartFile };
  // a Chart.lock is honoured as helm dependency build does: one that no longer matches Chart.yaml is refused
  if (lockText) {
    const stale = staleLockEntries(requests);
    if (stale.length)
      throw new ChartDependencyError(
        stale.map((request) =>
          dependencyError(
            'DEPENDENCY_LOCK_STALE',
            { chart: chart.name, file: join(input.chartDir, 'Chart.lock'), request },
            'Chart.lock is out of sync with Chart.yaml',
          ),
        ),
      );
  }
  const found: ReleaseError[][] = requests.map(() => []);
  const archives = await Promise.all(
    requests.map(async (request, i): Promise<string | undefined> => {
      try {
        const local = await input.localPackage?.(request, chart);
        if (local) return local;
        switch (request.source.kind) {
          case 'vendored':
            return undefined; // a subchart folder or archive kept in charts/ itself
          case 'named':
            throw dependencyError('DEPENDENCY_UNSUPPORTED', { ...subject, request }, 'repository names from a helm repositories file are not read');
          case 'file':
            return await packageFileDependency(input, request, resolve(input.chartDir, request.source.path), packaged, subject);
          default:
            if (!input.dependencies)
              throw dependencyError('DEPENDENCY_UNREACHABLE', { ...subject, request }, 'no dependency fetcher was given for chart repositories and registries');
            return await input.dependencies.fetch(request, subject);
        }
      } catch (error) {
        if (error instanceof ChartDependencyError) found[i]!.push(...error.problems);
        else if (isReleaseError(error)) found[i]!.push(error);
        else throw error;
        return undefined;
      }
    }),
  );
  const problems = found.flat(); // in Chart.yaml's order
  if (problems.length) throw new ChartDependencyError(problems);
  for (const [i, archive] of archives.entries()) {
    if (!archive) continue;
    const name = requests[i]!.name;
    // an archive of another version left in charts/ would be a second copy of the subchart
    for (const stale of (await readdir(charts)).filter((f) => f.startsWith(`${name}-`) && /^\d/.test(f.slice(name.length + 1)) && f.endsWith('.tgz')))
      await rm(join(charts, stale));
    await copyFile(archive, join(charts, basename(archive)));
  }
}

// a file:// dependency: its folder packaged the same way (its own dependencies too), its version checked against the constraint
async function packageFileDependency(
  input: PackageChartInput & { logger: Logger },
  request: DependencyRequest,
  folder: string,
  destination: string,
  subject: { chart: string; file: string },
): Promise<string> {
  let packaged: PackagedChart;
  try {
    packaged = await packageChart({ ...input, chartDir: folder, destination, logger: silentLogger });
  } catch (error) {
    if (isReleaseError(error) && (error.code === 'CHART_YAML_MISSING' || error.code === 'CHART_YAML_INVALID'))
      throw dependencyError('DEPENDENCY_NOT_FOUND', { ...subject, request }, `${request.repository} is not a chart folder: ${error.message}`);
    throw error;
  }
  if (packaged.name !== request.name || !satisfiesConstraint(packaged.version, wantedVersion(request)))
    throw dependencyError('DEPENDENCY_NOT_FOUND', { ...subject, request }, `${request.repository} holds ${packaged.name} ${packaged.version}`);
  return packaged.tgz;
}
