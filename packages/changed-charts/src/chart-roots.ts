import { posix } from 'node:path';
import type { GitReader } from './git.ts';
import type { FileChange } from './name-status.ts';

/** A chart folder a diff touched, before its Chart.yaml is read. */
export interface TouchedChart {
  /** Repository-relative folder holding Chart.yaml. */
  path: string;
  /** Chart.yaml exists there at head / at base. */
  atHead: boolean;
  atBase: boolean;
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
 * Finds, for each path, its chart: the OUTERMOST candidate folder with a Chart.yaml at that revision, so a vendored
 * subchart (`charts/app/charts/sub/`) counts as part of its parent. One `cat-file --batch-check` for all questions.
 */
export async function locateCharts(git: GitReader, questions: { rev: string; file: string }[], chartDirs: string[]): Promise<(string | undefined)[]> {
  const specs = new Map<string, number>();
  const candidates = questions.map(({ rev, file }) =>
    candidateRoots(file, chartDirs).map((dir) => {
      const spec = `${rev}:${dir}/Chart.yaml`;
      if (!specs.has(spec)) specs.set(spec, specs.size);
      return spec;
    }),
  );
  const answers = await git.exists([...specs.keys()]);
  return candidates.map((list) => {
    const found = list.find((spec) => answers[specs.get(spec)!]);
    return found ? found.slice(found.indexOf(':') + 1, -'/Chart.yaml'.length) : undefined;
  });
}

/**
 * Groups the diff's file changes by the chart they belong to (at head for new paths, at base for old ones) and tells
 * whether each chart's Chart.yaml exists at base and at head.
 */
export async function groupByChart(git: GitReader, changes: FileChange[], base: string, head: string, chartDirs: string[]): Promise<TouchedChart[]> {
  const questions: { rev: string; file: string }[] = [];
  for (const c of changes) {
    if (c.status === 'D') questions.push({ rev: base, file: c.path });
    else questions.push({ rev: head, file: c.path });
    if (c.previousPath) questions.push({ rev: base, file: c.previousPath });
  }
  const roots = await locateCharts(git, questions, chartDirs);

  const charts = new Map<string, TouchedChart>();
  const touch = (path: string, file: string, change: FileChange) => {
    let chart = charts.get(path);
    if (!chart) charts.set(path, (chart = { path, atHead: false, atBase: false, changedFiles: new Set(), contentChanged: false }));
    chart.changedFiles.add(file);
    if (!(change.status === 'R' && change.similarity === 100)) chart.contentChanged = true;
    return chart;
  };
  let q = 0;
  for (const c of changes) {
    const root = roots[q++];
    const previousRoot = c.previousPath ? roots[q++] : undefined;
    if (root) {
      const chart = touch(root, c.path, c);
      if (c.status === 'R' && previousRoot && previousRoot !== root && c.previousPath === `${previousRoot}/Chart.yaml` && c.path === `${root}/Chart.yaml`) {
        chart.renamedFrom = previousRoot;
      }
    }
    // a file moved between charts changes both; a copy (C) leaves its source untouched
    if (previousRoot && previousRoot !== root && c.status === 'R') touch(previousRoot, c.path, c);
  }

  // where does each touched chart's Chart.yaml exist?
  const list = [...charts.values()];
  const exists = await git.exists(list.flatMap((c) => [`${head}:${c.path}/Chart.yaml`, `${base}:${c.path}/Chart.yaml`]));
  list.forEach((c, i) => {
    c.atHead = exists[2 * i]!;
    c.atBase = exists[2 * i + 1]!;
  });
  return list.filter((c) => c.atHead || c.atBase);
}
