import { posix } from 'node:path';
import type { ObjectReader } from './object-reader.ts';
import { lookupPaths } from './tree-walk.ts';
import type { FileChange } from './name-status.ts';

/** A chart folder a diff touched, before its Chart.yaml is read. */
export interface TouchedChart {
  /** Repository-relative folder holding Chart.yaml. */
  path: string;
  /** The text of its Chart.yaml at head / at base, when it exists there. */
  headYaml?: string;
  baseYaml?: string;
  /** Changed files attributed to this chart (head-side paths; base-side for deletions). */
  changedFiles: Set<string>;
  /** False when every change is a pure move (rename at 100% similarity): the packaged content is the same. */
  contentChanged: boolean;
  /** Base-side folder of a Chart.yaml that git saw renamed into this chart. */
  renamedFrom?: string;
}

/** Normalises configured chart folders: repository-relative, no `./`, no trailing slash, `.` for the root. */
export function normalizeChartDirs(dirs: string[]): string[] {
  const out = dirs.map((d) => posix.normalize(d.replace(/\\/g, '/')).replace(/\/+$/, '') || '.');
  return [...new Set(out)];
}

/**
 * The folders that could be the chart holding `file`, outermost first: every ancestor strictly below a chart folder
 * (so `charts/team/app/templates/a.yaml` gives `charts/team`, `charts/team/app`, `charts/team/app/templates`).
 */
export function candidateRoots(file: string, chartDirs: string[]): string[] {
  for (const dir of chartDirs) {
    const prefix = dir === '.' ? '' : `${dir}/`;
    if (!file.startsWith(prefix)) continue;
    const parts = file.slice(prefix.length).split('/');
    const out: string[] = [];
    for (let i = 1; i < parts.length; i++) out.push(prefix + parts.slice(0, i).join('/'));
    return out;
  }
  return [];
}

/**
 * The Chart.yaml blobs of `dirs` at `rev`: folder -> blob id, for the folders that hold one. Folders below a chart
 * are not looked into: only the outermost chart of a path matters.
 */
async function chartYamlBlobs(objects: ObjectReader, rev: string, dirs: Iterable<string>): Promise<Map<string, string>> {
  const paths = [...dirs].map((dir) => `${dir}/Chart.yaml`);
  const found = await lookupPaths(objects, rev, paths, { stopAt: 'Chart.yaml' });
  const out = new Map<string, string>();
  for (const [path, entry] of found) if (entry.type === 'blob') out.set(path.slice(0, -'/Chart.yaml'.length), entry.sha);
  return out;
}

/** The texts of many blobs, each distinct blob read once. */
async function readTexts(objects: ObjectReader, shas: Iterable<string>): Promise<Map<string, string>> {
  const unique = [...new Set(shas)];
  const blobs = await objects.contents(unique);
  return new Map(unique.map((sha, i) => [sha, blobs[i]?.data?.toString('utf8') ?? '']));
}

/**
 * Finds, for each path, its chart: the OUTERMOST candidate folder with a Chart.yaml at `rev`, so a vendored subchart
 * (`charts/app/charts/sub/`) counts as part of its parent; with the text of each chart's Chart.yaml.
 */
export async function locateCharts(
  objects: ObjectReader,
  rev: string,
  files: string[],
  chartDirs: string[],
): Promise<{ roots: (string | undefined)[]; chartYamls: Map<string, string> }> {
  const candidates = files.map((file) => candidateRoots(file, chartDirs));
  // a Chart.yaml right below a chart dir has no folder above it to be part of: no lookup needed
  const deep = candidates.filter((list) => list.length > 1);
  const charts = deep.length ? await chartYamlBlobs(objects, rev, new Set(deep.flat())) : new Map<string, string>();
  const roots = candidates.map((list, i) => (list.length > 1 ? list.find((dir) => charts.has(dir)) : files[i] === `${list[0]}/Chart.yaml` ? list[0] : undefined));
  const chartYamls = await readChartYamls(objects, rev, [...new Set(roots.filter((r): r is string => r !== undefined))]);
  return { roots, chartYamls };
}

/**
 * Groups the diff's file changes by the chart they belong to (at head for new paths, at base for old ones), with the
 * chart's Chart.yaml text at head and at base. `allChanges` is the whole diff, ignored files included: a Chart.yaml
 * it lists comes with its blob ids, and one it does not list is the same at base and head, so only folders whose
 * Chart.yaml the diff does not mention are looked up (at head), and a usual release, which bumps each chart's
 * version, needs no lookup at all.
 */
export async function groupByChart(
  objects: ObjectReader,
  changes: FileChange[],
  base: string,
  head: string,
  chartDirs: string[],
  allChanges: FileChange[] = changes,
): Promise<TouchedChart[]> {
  // folder -> Chart.yaml blob id on each side; null = known not to exist there
  const atHead = new Map<string, string | null>();
  const atBase = new Map<string, string | null>();
  const folderOf = (path: string) => (path.endsWith('/Chart.yaml') ? path.slice(0, -'/Chart.yaml'.length) : undefined);
  for (const c of allChanges) {
    const dir = folderOf(c.path);
    if (dir !== undefined) {
      atHead.set(dir, c.headSha ?? null);
      if (!c.previousPath) atBase.set(dir, c.baseSha ?? null);
      else if (c.status === 'R') atBase.set(dir, null);
    }
    const previous = c.previousPath ? folderOf(c.previousPath) : undefined;
    if (previous !== undefined) {
      atBase.set(previous, c.baseSha ?? null);
      if (c.status === 'R') atHead.set(previous, null);
    }
  }
  // a path's chart is its outermost candidate folder with a Chart.yaml: look up the folders the diff cannot answer
  const sides = (c: FileChange): [Map<string, string | null>, string][] => [
    [c.status === 'D' ? atBase : atHead, c.path],
    ...(c.previousPath ? [[atBase, c.previousPath] as [Map<string, string | null>, string]] : []),
  ];
  const unknown = new Set<string>();
  for (const c of changes) {
    for (const [side, file] of sides(c)) {
      for (const dir of candidateRoots(file, chartDirs)) {
        const sha = side.get(dir);
        if (sha) break;
        if (sha === undefined) unknown.add(dir);
      }
    }
  }
  if (unknown.size) {
    const found = await chartYamlBlobs(objects, head, unknown);
    for (const dir of unknown) {
      const sha = found.get(dir) ?? null;
      if (!atHead.has(dir)) atHead.set(dir, sha);
      if (!atBase.has(dir)) atBase.set(dir, sha);
    }
  }
  const rootAt = (side: Map<string, string | null>, file: string) => candidateRoots(file, chartDirs).find((dir) => side.get(dir));

  const charts = new Map<string, TouchedChart & { headSha?: string; baseSha?: string }>();
  const touch = (path: string, file: string, change: FileChange) => {
    let chart = charts.get(path);
    if (!chart) {
      chart = { path, headSha: atHead.get(path) ?? undefined, baseSha: atBase.get(path) ?? undefined, changedFiles: new Set(), contentChanged: false };
      charts.set(path, chart);
    }
    chart.changedFiles.add(file);
    if (!(change.status === 'R' && change.similarity === 100)) chart.contentChanged = true;
    return chart;
  };
  for (const c of changes) {
    const root = rootAt(c.status === 'D' ? atBase : atHead, c.path);
    const previousRoot = c.previousPath ? rootAt(atBase, c.previousPath) : undefined;
    if (root) {
      const chart = touch(root, c.path, c);
      if (c.status === 'R' && previousRoot && previousRoot !== root && c.previousPath === `${previousRoot}/Chart.yaml` && c.path === `${root}/Chart.yaml`) {
        chart.renamedFrom = previousRoot;
      }
    }
    // a file moved between charts changes both; a copy (C) leaves its source untouched
    if (previousRoot && previousRoot !== root && c.status === 'R') touch(previousRoot, c.path, c);
  }

  const list = [...charts.values()];
  const texts = await readTexts(
    objects,
    list.flatMap((c) => [c.headSha, c.baseSha].filter((sha): sha is string => sha !== undefined)),
  );
  return list.map(({ headSha, baseSha, ...chart }) => ({
    ...chart,
    ...(headSha ? { headYaml: texts.get(headSha) } : {}),
    ...(baseSha ? { baseYaml: texts.get(baseSha) } : {}),
  }));
}

/** The Chart.yaml texts of `dirs` at `rev` (folders without one are left out), in one round trip. */
export async function readChartYamls(objects: ObjectReader, rev: string, dirs: string[]): Promise<Map<string, string>> {
  const blobs = await objects.contents(dirs.map((dir) => `${rev}:${dir}/Chart.yaml`));
  const out = new Map<string, string>();
  dirs.forEach((dir, i) => {
    const blob = blobs[i];
    if (blob?.type === 'blob' && blob.data) out.set(dir, blob.data.toString('utf8'));
  });
  return out;
}
