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
  /** Files added / deleted in this chart: path relative to the chart folder -> blob id (to tell a pure move). */
  added: Map<string, string>;
  deleted: Map<string, string>;
  /** Whether any file of it was modified in place. */
  modified: boolean;
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
    const out: string[] = [];
    for (let slash = file.indexOf('/', prefix.length); slash !== -1; slash = file.indexOf('/', slash + 1)) out.push(file.slice(0, slash));
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

/** Up to this many folders the diff says nothing about are asked for by path; more are looked up level by level. */
const DIRECT_LOOKUPS = 64;

/**
 * Groups the diff's file changes by the chart they belong to (at head for added and modified paths, at base for
 * deleted ones), with the chart's Chart.yaml text at head and at base. The diff has no rename detection: a moved
 * file is a deletion and an addition, and moved charts are paired by `pairMoves`. `allChanges` is the whole diff,
 * ignored files included: a Chart.yaml it lists comes with its blob ids, and one it does not list is the same at
 * base and head, so only folders whose Chart.yaml the diff does not mention are looked up (at head), and a usual
 * release, which bumps each chart's version, needs no lookup at all. `texts` (blob id -> text) holds the ones known
 * already (not read again; the ones read are added).
 */
export async function groupByChart(
  objects: ObjectReader,
  changes: FileChange[],
  head: string,
  chartDirs: string[],
  allChanges: FileChange[] = changes,
  onText?: (text: string) => void,
  texts = new Map<string, string>(),
): Promise<TouchedChart[]> {
  // folder -> Chart.yaml blob id on each side; null = known not to exist there
  const atHead = new Map<string, string | null>();
  const atBase = new Map<string, string | null>();
  for (const c of allChanges) {
    if (!c.path.endsWith('/Chart.yaml')) continue;
    const dir = c.path.slice(0, -'/Chart.yaml'.length);
    atHead.set(dir, c.headSha ?? null);
    atBase.set(dir, c.baseSha ?? null);
  }
  // a path's chart is its outermost candidate folder with a Chart.yaml: look up the folders the diff cannot answer
  const unknown = new Set<string>();
  for (const c of changes) {
    const side = c.status === 'D' ? atBase : atHead;
    for (const dir of candidateRoots(c.path, chartDirs)) {
      const sha = side.get(dir);
      if (sha) break;
      if (sha === undefined) unknown.add(dir);
    }
  }
  // One round trip: the Chart.yaml blobs the diff names, with the few unknown folders asked by path. Many unknown
  // folders are looked up level by level first (see lookupPaths), which reads the big folders once.
  // decoded (and handed to onText, which may parse them) while git is still sending the others
  const keep = (sha: string, data: Buffer) => {
    if (texts.has(sha)) return;
    const text = data.toString('utf8');
    texts.set(sha, text);
    onText?.(text);
  };
  const shas = new Set<string>();
  for (const side of [atHead, atBase]) for (const sha of side.values()) if (sha && !texts.has(sha)) shas.add(sha);
  const byPath = unknown.size <= DIRECT_LOOKUPS ? [...unknown] : [];
  if (byPath.length === 0 && unknown.size) {
    const found = await chartYamlBlobs(objects, head, unknown);
    for (const dir of unknown) {
      const sha = found.get(dir) ?? null;
      atHead.set(dir, sha);
      atBase.set(dir, sha);
      if (sha) shas.add(sha);
    }
  }
  const wanted = [...shas];
  await objects.each('contents', [...wanted, ...byPath.map((dir) => `${head}:${dir}/Chart.yaml`)], (i, object) => {
    const blob = object?.type === 'blob' ? object : undefined;
    if (i < wanted.length) {
      if (blob?.data) keep(wanted[i]!, blob.data);
      return;
    }
    // not in the diff: the same at base and head
    const dir = byPath[i - wanted.length]!;
    if (blob?.data) keep(blob.sha, blob.data);
    atHead.set(dir, blob?.sha ?? null);
    atBase.set(dir, blob?.sha ?? null);
  });

  const charts = new Map<string, TouchedChart & { headSha?: string; baseSha?: string }>();
  for (const c of changes) {
    const side = c.status === 'D' ? atBase : atHead;
    const root = candidateRoots(c.path, chartDirs).find((dir) => side.get(dir));
    if (!root) continue;
    let chart = charts.get(root);
    if (!chart) {
      chart = {
        path: root,
        headSha: atHead.get(root) ?? undefined,
        baseSha: atBase.get(root) ?? undefined,
        changedFiles: new Set(),
        added: new Map(),
        deleted: new Map(),
        modified: false,
      };
      charts.set(root, chart);
    }
    chart.changedFiles.add(c.path);
    const relative = c.path.slice(root.length + 1);
    if (c.status === 'A') chart.added.set(relative, c.headSha ?? '');
    else if (c.status === 'D') chart.deleted.set(relative, c.baseSha ?? '');
    else chart.modified = true;
  }

  const text = (sha: string | undefined) => (sha === undefined ? undefined : (texts.get(sha) ?? ''));
  return [...charts.values()].map(({ headSha, baseSha, ...chart }) => ({
    ...chart,
    ...(headSha ? { headYaml: text(headSha) } : {}),
    ...(baseSha ? { baseYaml: text(baseSha) } : {}),
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
