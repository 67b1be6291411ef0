import { posix } from 'node:path';
import { performance } from 'node:perf_hooks';
import { isReleaseError, ReleaseError, silentLogger } from '@chart-release/core';
import { DEFAULT_TAG_TEMPLATE, parseChartYaml, type ChartMetadata } from '@chart-release/chart-metadata';
import { groupByChart, normalizeChartDirs, readChartYamls, type TouchedChart } from './chart-roots.ts';
import { findDependents, indexDependencies, resolveFileDependency, type DependencyIndex, type NameDependency } from './dependents.ts';
import { chartIndexFile } from './chart-index.ts';
import { ChartYamlCache } from './chart-yaml-cache.ts';
import { GitReader } from './git.ts';
import { createIgnoreMatcher } from './ignore.ts';
import { parseRawDiff } from './name-status.ts';
import { resolveRange } from './range.ts';
import type { ChangedChartsResult, ChartChange, DependencyNote, DetectOptions } from './types.ts';
import { checkVersionBumps } from './version-gate.ts';
import { DEFAULT_CHART_DIRS, DEFAULT_TARGET_BRANCH } from './defaults.ts';

export { DEFAULT_CHART_DIRS, DEFAULT_TARGET_BRANCH };

/**
 * Which charts the range base..head changed, and why: added, modified, deleted and renamed charts, the charts that
 * depend on them, and every problem (invalid Chart.yaml, version not bumped) at once in `errors`. Reads the files of
 * no chart but the Chart.yaml of touched charts; git searches the Chart.yaml files of the chart dirs that changed
 * since the dependency index was last written (every chart dir on a first run, see `searchChartYamls`).
 */
export async function detectChangedCharts(options: DetectOptions): Promise<ChangedChartsResult> {
  const git = new GitReader(options.cwd);
  const inFlight: Promise<unknown>[] = [];
  try {
    return await detect(git, options, inFlight);
  } catch (error) {
    // what ran ahead (the diff, the dependency index and its file) settles before the error is returned: nothing
    // is still writing in the repository when the caller sees the failure
    await Promise.allSettled(inFlight);
    throw error;
  } finally {
    // the answer does not wait for cat-file to exit
    void git.close();
  }
}

async function detect(git: GitReader, options: DetectOptions, inFlight: Promise<unknown>[]): Promise<ChangedChartsResult> {
  const log = options.logger ?? silentLogger;
  const started = performance.now();
  const phase = (what: string) => log.debug(`${what} (${Math.round(performance.now() - started)} ms)`);
  const chartDirs = normalizeChartDirs(options.chartDirs?.length ? options.chartDirs : DEFAULT_CHART_DIRS);
  const diff = (base: string, head: string) => git.diffRaw(base, head, chartDirs.includes('.') ? [] : chartDirs);
  // with both revisions given, the diff runs while they are being resolved
  const early = options.base && options.head ? diff(options.base, options.head) : undefined;
  const indexFile = options.cache === false ? undefined : chartIndexFile(options.cwd, options.env ?? process.env);
  const buildIndex = async (rev: string) => {
    const { index, stats } = await indexDependencies(git.objects, rev, chartDirs, indexFile, (...args) => git.filesContaining(...args));
    phase(`dependency index: ${stats.read} charts with dependencies read from git, ${stats.reused} from ${indexFile ?? 'no index file'}`);
    return index;
  };
  const earlyIndex = options.base && options.head ? buildIndex(options.head) : undefined;
  // the Chart.yaml files an earlier run read and parsed (read while git computes the diff)
  const chartYamls = ChartYamlCache.besideIndex(indexFile);
  // a bad revision is reported by resolveRange below
  early?.catch(() => {});
  earlyIndex?.catch(() => {});
  if (early) inFlight.push(early);
  if (earlyIndex) inFlight.push(earlyIndex);
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

  // which charts declare dependencies: read while git computes the diff
  const index = earlyIndex ?? buildIndex(head);
  index.catch(() => {}); // awaited below; failures surface there
  inFlight.push(index);
  const ignored = createIgnoreMatcher(options.ignore ?? []);
  const allChanges = parseRawDiff(await (early ?? diff(base, head)));
  const changes = allChanges.filter((c) => !ignored(c.path));
  phase(`diff: ${changes.length} changed files count`);
  // Chart.yaml texts are parsed as they arrive; a text that does not parse is parsed again below, under its path
  const preParsed = chartYamls.parsed;
  const parseEarly = (text: string) => {
    try {
      preParsed.set(text, parseChartYaml(text, 'Chart.yaml'));
    } catch {
      // reported by read() with the chart's path
    }
  };
  const yamlBlobs = allChanges.flatMap((c) => (c.path.endsWith('/Chart.yaml') ? [c.baseSha, c.headSha].filter((sha) => sha !== undefined) : []));
  const known = yamlBlobs.filter((sha) => chartYamls.texts.has(sha)).length;
  const touched = await groupByChart(git.objects, changes, head, chartDirs, allChanges, parseEarly, chartYamls.texts);
  phase(`${touched.length} chart folders touched`);

  const errors: ReleaseError[] = [];
  const read = (text: string | undefined, path: string, report: boolean): ChartMetadata | undefined => {
    if (text === undefined) return undefined;
    const parsed = preParsed.get(text);
    if (parsed) return parsed;
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
  const charts = pairMoves(parsed);
  phase(`Chart.yaml files read, ${known} of ${yamlBlobs.length} from ${chartYamls.file ?? 'no cache file'}`);
  // written while the dependency search runs (on a first run, while git still searches every chart)
  const saving = chartYamls.save(yamlBlobs);
  inFlight.push(saving);

  // dependents of every chart that still exists at head
  const live = charts.filter((c) => c.status !== 'deleted').map((c) => ({ path: c.path, metadata: c.headMetadata! }));
  const found = findDependents(live, await index, options.registry);
  errors.push(...found.errors);
  phase(`${found.dependents.size} dependents found`);
  const byPath = new Map(charts.map((c) => [c.path, c]));
  const newDependents = [...found.dependents.values()].filter((d) => !byPath.has(d.path));
  // a dependent the diff did not touch has the same Chart.yaml at base; only one whose Chart.yaml changed in
  // ignored-only ways (or appeared) is read at base
  const yamlChanged = new Set(allChanges.filter((c) => c.path.endsWith('/Chart.yaml')).map((c) => c.path.slice(0, -'/Chart.yaml'.length)));
  const dependentBase = await readChartYamls(
    git.objects,
    base,
    newDependents.filter((d) => yamlChanged.has(d.path)).map((d) => d.path),
  );
  for (const d of newDependents) {
    const changed = yamlChanged.has(d.path);
    const text = dependentBase.get(d.path);
    const previous = changed ? read(text, d.path, false) : d.metadata;
    const chart: Working = { ...toChange(d.metadata, d.path, previous, changed && text === undefined ? 'added' : 'modified', true), headMetadata: d.metadata };
    charts.push(chart);
    byPath.set(d.path, chart);
  }
  for (const d of found.dependents.values()) {
    const chart = byPath.get(d.path)!;
    chart.triggeredBy = [...new Set([...chart.triggeredBy, ...d.dependsOn])].sort();
  }

  // a chart folder that is gone (deleted, or moved away) breaks the file:// dependencies that still point at it
  const vacated = charts.flatMap((c) =>
    c.status === 'deleted' ? [{ path: c.path, name: c.name }] : c.status === 'renamed' && c.previousPath ? [{ path: c.previousPath, name: c.name }] : [],
  );
  if (vacated.length) errors.push(...brokenFileDependencies(vacated, parsed, await index));

  const result = charts.map(({ headMetadata: _unused, ...change }) => change).sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
  errors.push(...checkVersionBumps(result));
  // a broken Chart.yaml can be met both as a touched chart and in the dependency search
  const unique = [...new Map(errors.map((e) => [JSON.stringify(e.toJSON()), e.toJSON()])).values()];
  // the Chart.yaml cache file is complete before the answer is (the index file was written with the index, and the
  // rest of what ran ahead was awaited already)
  await saving;
  return { base, head, baseSource: range.baseSource, charts: result, errors: unique, notes: dependencyNotes(found.byName, byPath) };
}

type Parsed = { touched: TouchedChart; head?: ChartMetadata; base?: ChartMetadata };

/** The dependencies by name on a chart this push releases, as notes (one per dependent and chart, sorted). */
function dependencyNotes(byName: NameDependency[], byPath: Map<string, ChartChange>): DependencyNote[] {
  const notes = new Map<string, DependencyNote>();
  for (const d of byName) {
    const target = byPath.get(d.target.path);
    if (!target?.release) continue;
    const chart = d.metadata.name;
    const constraint = d.dependency.version;
    notes.set(`${d.path}\0${target.name}`, {
      chart,
      path: d.path,
      dependency: target.name,
      ...(constraint ? { constraint } : {}),
      repository: d.dependency.repository,
      released: target.version,
      message: `${chart} depends on ${target.name} ${constraint ?? '(any version)'}; ${target.name} ${target.version} is released in this push`,
    });
  }
  return [...notes.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.dependency < b.dependency ? -1 : 1));
}

/**
 * DEPENDENCY_FOLDER_GONE for every chart at `head` whose `file://` dependency points at a folder this range deleted
 * or moved: `helm dependency build` would fail for it. Dependencies by name from a registry are unaffected (the
 * published versions stay).
 */
function brokenFileDependencies(vacated: { path: string; name: string }[], parsed: Parsed[], index: DependencyIndex): ReleaseError[] {
  const gone = vacated.map((v) => ({ path: v.path, metadata: parsed.find((p) => p.touched.path === v.path)?.base ?? ({ name: v.name } as ChartMetadata) }));
  const { dependents } = findDependents(gone, index);
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
 * Turns touched folders into chart changes. A deleted chart and an added chart with the same `name` become one
 * `renamed` chart (when several deleted charts carry the name, the one with the same Chart.yaml, else the same
 * folder name). A move that added exactly the files it deleted, with the same contents, is not released again.
 */
function pairMoves(parsed: Parsed[]): Working[] {
  const deleted = parsed.filter((p) => p.touched.baseYaml !== undefined && p.touched.headYaml === undefined && p.base);
  const added = parsed.filter((p) => p.touched.headYaml !== undefined && p.touched.baseYaml === undefined && p.head);
  const pairs = new Map<Parsed, Parsed>();
  const taken = new Set<Parsed>();
  for (const a of added) {
    const named = deleted.filter((d) => !taken.has(d) && d.base!.name === a.head!.name);
    const from =
      named.length === 1
        ? named[0]
        : (named.find((d) => d.touched.baseYaml === a.touched.headYaml) ??
          named.find((d) => posix.basename(d.touched.path) === posix.basename(a.touched.path)));
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
      const change = toChange(p.head!, p.touched.path, from.base, 'renamed', !isPureMove(from.touched, p.touched));
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

/** Whether `to` holds exactly the files `from` lost, under the same relative paths and with the same contents. */
function isPureMove(from: TouchedChart, to: TouchedChart): boolean {
  if (from.modified || to.modified || from.added.size || to.deleted.size || from.deleted.size !== to.added.size) return false;
  for (const [file, sha] of from.deleted) if (to.added.get(file) !== sha) return false;
  return true;
}
