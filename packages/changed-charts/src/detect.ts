import { isReleaseError, silentLogger, type ReleaseError } from '@chart-release/core';
import { parseChartYaml, type ChartMetadata } from './chart-yaml.ts';
import { groupByChart, normalizeChartDirs, type TouchedChart } from './chart-roots.ts';
import { findDependents } from './dependents.ts';
import { GitReader } from './git.ts';
import { createIgnoreMatcher } from './ignore.ts';
import { parseNameStatus } from './name-status.ts';
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
  const log = options.logger ?? silentLogger;
  const git = await GitReader.open(options.cwd);
  const chartDirs = normalizeChartDirs(options.chartDirs?.length ? options.chartDirs : DEFAULT_CHART_DIRS);
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

  const ignored = createIgnoreMatcher(options.ignore ?? []);
  const changes = parseNameStatus(await git.diffNameStatus(base, head, chartDirs.includes('.') ? [] : chartDirs)).filter((c) => !ignored(c.path));
  const touched = await groupByChart(git, changes, base, head, chartDirs);

  // one cat-file process reads every Chart.yaml needed: head side and base side of each touched chart
  const specs = touched.flatMap((t) => [t.atHead ? `${head}:${t.path}/Chart.yaml` : '', t.atBase ? `${base}:${t.path}/Chart.yaml` : '']);
  const blobs = await git.readBlobs(specs.filter(Boolean));
  const errors: ReleaseError[] = [];
  let b = 0;
  const parsed = touched.map((t, i) => {
    const read = (spec: string, report: boolean): ChartMetadata | undefined => {
      if (!spec) return undefined;
      const text = blobs[b++] ?? '';
      try {
        return parseChartYaml(text, `${t.path}/Chart.yaml`);
      } catch (error) {
        if (!isReleaseError(error)) throw error;
        // a broken Chart.yaml at base is history; only the head side has to be right
        if (report) errors.push(error);
        return undefined;
      }
    };
    return { touched: t, head: read(specs[2 * i]!, true), base: read(specs[2 * i + 1]!, false) };
  });

  const charts = pairRenames(parsed);

  // dependents of every chart that still exists at head
  const live = charts.filter((c) => c.status !== 'deleted').map((c) => ({ path: c.path, metadata: c.headMetadata! }));
  const found = await findDependents(git, head, chartDirs, live);
  errors.push(...found.errors);
  const byPath = new Map(charts.map((c) => [c.path, c]));
  const newDependents = [...found.dependents.values()].filter((d) => !byPath.has(d.path));
  const dependentBase = await git.readBlobs(newDependents.map((d) => `${base}:${d.path}/Chart.yaml`));
  newDependents.forEach((d, i) => {
    let previous: ChartMetadata | undefined;
    try {
      previous = dependentBase[i] === undefined ? undefined : parseChartYaml(dependentBase[i]!, `${d.path}/Chart.yaml`);
    } catch {
      previous = undefined;
    }
    const change = toChange(d.metadata, d.path, previous, dependentBase[i] === undefined ? 'added' : 'modified', true);
    charts.push({ ...change, headMetadata: d.metadata });
  });
  for (const d of found.dependents.values()) {
    const chart = charts.find((c) => c.path === d.path);
    if (chart) chart.triggeredBy = [...new Set([...chart.triggeredBy, ...d.dependsOn])].sort();
  }

  const result = charts.map(({ headMetadata: _unused, ...change }) => change).sort((x, y) => x.path.localeCompare(y.path));
  errors.push(...checkVersionBumps(result));
  return { base, head, baseSource: range.baseSource, charts: result, errors: errors.map((e) => e.toJSON()) };
}

type Parsed = { touched: TouchedChart; head?: ChartMetadata; base?: ChartMetadata };
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
  const deleted = parsed.filter((p) => p.touched.atBase && !p.touched.atHead && p.base);
  const added = parsed.filter((p) => p.touched.atHead && !p.touched.atBase && p.head);
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
      const change = toChange(p.head, p.touched.path, p.base, p.touched.atBase ? 'modified' : 'added', true);
      change.changedFiles = files.sort();
      out.push({ ...change, headMetadata: p.head });
    } else if (p.base && !p.touched.atHead) {
      const change = toChange(p.base, p.touched.path, undefined, 'deleted', false);
      change.changedFiles = files.sort();
      out.push(change);
    }
    // otherwise the head Chart.yaml did not parse: its error is already in the list
  }
  return out;
}
