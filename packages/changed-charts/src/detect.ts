import { performance } from 'node:perf_hooks';
import { isReleaseError, ReleaseError, silentLogger } from '@chart-release/core';
import { parseChartYaml, type ChartMetadata } from './chart-yaml.ts';
import { groupByChart, normalizeChartDirs, readChartYamls, type TouchedChart } from './chart-roots.ts';
import { findDependents, indexDependencies, resolveFileDependency } from './dependents.ts';
import { GitReader } from './git.ts';
import { createIgnoreMatcher } from './ignore.ts';
import { parseRawDiff } from './name-status.ts';
import { resolveRange } from './range.ts';
import type { ChangedChartsResult, ChartChange, DetectOptions } from './types.ts';
import { checkVersionBumps } from './version-gate.ts';

export const DEFAULT_CHART_DIRS = ['charts'];
export const DEFAULT_TARGET_BRANCH = 'main';
export const DEFAULT_TAG_TEMPLATE = '{name}-v{version}';

/**
 * Which charts the range base..head changed, and why: added, modified, deleted and renamed charts, the charts that
 * depend on them, and every problem (invalid Chart.yaml, version not bumped) at once in `errors`. Reads only the
 * Chart.yaml files of touched charts and of candidate dependents, never the whole repository.
 */
export async function detectChangedCharts(options: DetectOptions): Promise<ChangedChartsResult> {
  const git = new GitReader(options.cwd);
  try {
    return await detect(git, options);
  } finally {
    await git.close();
  }
}

async function detect(git: GitReader, options: DetectOptions): Promise<ChangedChartsResult> {
  const log = options.logger ?? silentLogger;
  const started = performance.now();
  const phase = (what: string) => log.debug(`${what} (${Math.round(performance.now() - started)} ms)`);
  const chartDirs = normalizeChartDirs(options.chartDirs?.length ? options.chartDirs : DEFAULT_CHART_DIRS);
  const diff = (base: string, head: string) => git.diffRaw(base, head, chartDirs.includes('.') ? [] : chartDirs);
  // with both revisions given, the diff runs while they are being resolved
  const early = options.base && options.head ? diff(options.base, options.head) : undefined;
  const earlyIndex = options.base && options.head ? indexDependencies(git, options.head, chartDirs) : undefined;
  // a bad revision is reported by resolveRange below
  early?.catch(() => {});
  earlyIndex?.catch(() => {});
  const range = await resolveRange(git, {
    base: options.base,
    head: options.head,
    env: options.env ?? process.env,
    targetBranch: options.targetBranch ?? DEFAULT_TARGET_BRANCH,
    tagTemplate: options.tagTemplate ?? DEFAULT_TAG_TEMPLATE,
  });
  const { base, head } = range;
  for (const note of range.notes) log.info(note);
  log.info(`comparing ${base.slice(0, 12)}..${head.slice(0, 12)} (base from ${range.baseSource}) in ${chartDirs.join(', ')}`);

  // which Chart.yaml files declare dependencies: one git grep, run while the diff is read
  const index = earlyIndex ?? indexDependencies(git, head, chartDirs);
  index.catch(() => {}); // awaited below; failures surface there
  const ignored = createIgnoreMatcher(options.ignore ?? []);
  const allChanges = parseRawDiff(await (early ?? diff(base, head)));
  const changes = allChanges.filter((c) => !ignored(c.path));
  phase(`diff: ${changes.length} changed files count`);
  const touched = await groupByChart(git.objects, changes, base, head, chartDirs, allChanges);
  phase(`${touched.length} chart folders touched`);

  const errors: ReleaseError[] = [];
  const read = (text: string | undefined, path: string, report: boolean): ChartMetadata | undefined => {
    if (text === undefined) return undefined;
    try {
      return parseChartYaml(text, `${path}/Chart.yaml`);
    } catch (error) {
      if (!isReleaseError(error)) throw error;
      // a broken Chart.yaml at base is history; only the head side has to be right
      if (report) errors.push(error);
      return undefined;
    }
  };
  const parsed = touched.map((t) => ({ touched: t, head: read(t.headYaml, t.path, true), base: read(t.baseYaml, t.path, false) }));
  const charts = pairRenames(parsed);
  phase('Chart.yaml files read');

  // dependents of every chart that still exists at head
  const live = charts.filter((c) => c.status !== 'deleted').map((c) => ({ path: c.path, metadata: c.headMetadata! }));
  const found = await findDependents(git, head, chartDirs, live, await index);
  errors.push(...found.errors);
  phase(`${found.dependents.size} dependents found`);
  const byPath = new Map(charts.map((c) => [c.path, c]));
  const newDependents = [...found.dependents.values()].filter((d) => !byPath.has(d.path));
  const dependentBase = await readChartYamls(
    git.objects,
    base,
    newDependents.map((d) => d.path),
  );
  for (const d of newDependents) {
    const text = dependentBase.get(d.path);
    const previous = read(text, d.path, false);
    const chart: Working = { ...toChange(d.metadata, d.path, previous, text === undefined ? 'added' : 'modified', true), headMetadata: d.metadata };
    charts.push(chart);
    byPath.set(d.path, chart);
  }
  for (const d of found.dependents.values()) {
    const chart = byPath.get(d.path)!;
    chart.triggeredBy = [...new Set([...chart.triggeredBy, ...d.dependsOn])].sort();
  }

  // a chart folder that is gone (deleted, or moved away) breaks the file:// dependencies that still point at it
  const vacated = charts.flatMap((c) => (c.status === 'deleted' ? [{ path: c.path, name: c.name }] : c.status === 'renamed' && c.previousPath ? [{ path: c.previousPath, name: c.name }] : []));
  if (vacated.length) errors.push(...(await brokenFileDependencies(git, head, chartDirs, vacated, parsed, await index)));

  const result = charts.map(({ headMetadata: _unused, ...change }) => change).sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  errors.push(...checkVersionBumps(result));
  return { base, head, baseSource: range.baseSource, charts: result, errors: errors.map((e) => e.toJSON()) };
}

type Parsed = { touched: TouchedChart; head?: ChartMetadata; base?: ChartMetadata };

/**
 * DEPENDENCY_FOLDER_GONE for every chart at `head` whose `file://` dependency points at a folder this range deleted
 * or moved: `helm dependency build` would fail for it. Dependencies by name from a registry are unaffected (the
 * published versions stay).
 */
async function brokenFileDependencies(
  git: GitReader,
  head: string,
  chartDirs: string[],
  vacated: { path: string; name: string }[],
  parsed: Parsed[],
  index: Awaited<ReturnType<typeof indexDependencies>>,
): Promise<ReleaseError[]> {
  const gone = vacated.map((v) => ({ path: v.path, metadata: parsed.find((p) => p.touched.path === v.path)?.base ?? ({ name: v.name } as ChartMetadata) }));
  const { dependents } = await findDependents(git, head, chartDirs, gone, index);
  const errors: ReleaseError[] = [];
  for (const d of dependents.values()) {
    for (const dep of d.metadata.dependencies) {
      if (!dep.repository?.startsWith('file://')) continue;
      const target = resolveFileDependency(d.path, dep.repository);
      const lost = vacated.find((v) => v.path === target);
      if (!lost) continue;
      errors.push(
        new ReleaseError('DEPENDENCY_FOLDER_GONE', `${d.metadata.name} depends on ${dep.name} through ${dep.repository}, and this push removes ${lost.path}.`, {
          chart: d.metadata.name,
          file: `${d.path}/Chart.yaml`,
          hint: `point the dependency at the chart's new folder or at its registry (and bump ${d.metadata.name}'s version), or keep ${lost.path}.`,
        }),
      );
    }
  }
  return errors;
}
type Working = ChartChange & { headMetadata?: ChartMetadata };

function toChange(metadata: ChartMetadata, path: string, previous: ChartMetadata | undefined, status: ChartChange['status'], release: boolean): ChartChange {
  return {
    name: metadata.name,
    path,
    version: metadata.version,
    // a renamed chart (new `name`) is a new chart: there is nothing to compare its version with
    ...(previous && previous.name === metadata.name ? { previousVersion: previous.version } : {}),
    status,
    changedFiles: [],
    triggeredBy: [],
    type: metadata.type,
    release,
  };
}

/**
 * Turns touched folders into chart changes. A chart whose Chart.yaml git saw moved, or a deleted chart and an added
 * chart with the same `name`, become one `renamed` chart; a pure move of unchanged files is not released again.
 */
function pairRenames(parsed: Parsed[]): Working[] {
  const deleted = parsed.filter((p) => p.touched.baseYaml !== undefined && p.touched.headYaml === undefined && p.base);
  const added = parsed.filter((p) => p.touched.headYaml !== undefined && p.touched.baseYaml === undefined && p.head);
  const pairs = new Map<Parsed, Parsed>();
  const taken = new Set<Parsed>();
  for (const a of added) {
    const from =
      deleted.find((d) => !taken.has(d) && d.touched.path === a.touched.renamedFrom) ??
      deleted.find((d) => !taken.has(d) && d.base!.name === a.head!.name && deleted.filter((x) => x.base!.name === a.head!.name).length === 1);
    if (from) {
      pairs.set(a, from);
      taken.add(from);
    }
  }

  const out: Working[] = [];
  for (const p of parsed) {
    if (taken.has(p)) continue;
    const files = [...p.touched.changedFiles];
    const from = pairs.get(p);
    if (from) {
      const contentChanged = p.touched.contentChanged || from.touched.contentChanged || from.base!.name !== p.head!.name;
      const change = toChange(p.head!, p.touched.path, from.base, 'renamed', contentChanged);
      change.previousPath = from.touched.path;
      change.changedFiles = [...new Set([...files, ...from.touched.changedFiles])].sort();
      out.push({ ...change, headMetadata: p.head });
    } else if (p.head) {
      const change = toChange(p.head, p.touched.path, p.base, p.touched.baseYaml !== undefined ? 'modified' : 'added', true);
      change.changedFiles = files.sort();
      out.push({ ...change, headMetadata: p.head });
    } else if (p.base && p.touched.headYaml === undefined) {
      const change = toChange(p.base, p.touched.path, undefined, 'deleted', false);
      change.changedFiles = files.sort();
      out.push(change);
    }
    // otherwise the head Chart.yaml did not parse: its error is already in the list
  }
  return out;
}
