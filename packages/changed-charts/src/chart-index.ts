import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { replaceFileSync } from '@chart-release/core';
import type { ObjectReader } from './object-reader.ts';

/**
 * On disk, one file: for each chart dir, its tree id at the revision it was written for and the Chart.yaml text of
 * each of its charts whose Chart.yaml mentions `dependencies`. Keyed by tree id, it can never go stale: a chart dir
 * whose content changed has another tree id, and is searched again.
 */
type StoredIndex = { format: typeof FORMAT; roots: Record<string, { tree: string; dependencies: Record<string, string> }> };
const FORMAT = 'chart-release/chart-index@2';

/** How a search went: how many Chart.yaml files came from git, how many from the index file. */
export interface SearchStats {
  read: number;
  reused: number;
}

const DEPENDENCIES = 'dependencies';

/**
 * Files at a revision whose text contains a string, with their text, by repository path (`git grep` on the
 * revision: one process reads every file the pathspecs name, in C, and hands over only the ones that match).
 */
export type FileSearch = (rev: string, pattern: string, pathspecs: string[]) => Promise<Map<string, string>>;

/**
 * Visits the Chart.yaml of every chart at `rev` that mentions `dependencies`: every folder below one of
 * `chartDirs` holding a Chart.yaml, at any depth, without looking into a chart (its vendored subcharts are part of
 * it, and a chart dir's own Chart.yaml is not one of its charts). One `git grep` over `<dir>/**\/Chart.yaml` finds
 * them: reading every chart's Chart.yaml in one C process costs a first run far less than handing each of them to
 * JavaScript; the few found below a folder that is not a chart dir's direct child are checked for an enclosing chart
 * in one round trip on `objects`. With an index file whose chart dirs have the same tree ids, nothing is read at all;
 * else the search runs and the file is rewritten.
 */
export async function searchChartYamls(
  objects: ObjectReader,
  rev: string,
  chartDirs: string[],
  visit: (folder: string, chartYaml: string) => void,
  indexFile: string | undefined,
  search: FileSearch,
): Promise<SearchStats> {
  const roots = chartDirs.map((dir) => (dir === '' || dir === '.' ? '' : dir));
  const stored = indexFile ? loadIndex(indexFile) : undefined;
  const searchAll = () =>
    search(
      rev,
      DEPENDENCIES,
      // a chart dir's own name is matched literally, whatever glob characters it holds
      roots.map((dir) => `:(top,glob)${dir ? `${dir.replace(/[*?[\]\\]/g, '\\$&')}/` : ''}**/Chart.yaml`),
    );
  // without an index every chart dir is searched: the search starts at once, beside the lookup of the trees
  const searching = stored ? undefined : searchAll();
  searching?.catch(() => {}); // awaited below
  const rootTrees = await objects.info(roots.map((dir) => (dir === '' ? `${rev}^{tree}` : `${rev}:${dir}`)));
  const trees = rootTrees.map((t) => (t?.type === 'tree' ? t.sha : undefined));
  const stats: SearchStats = { read: 0, reused: 0 };

  // no chart dir changed since the index was written: its charts with dependencies are all there is to know
  if (stored && roots.every((dir, i) => stored.roots[dir]?.tree === trees[i])) {
    // chart dirs may nest (`charts` and `charts/team`): each lists all of its charts, each chart is visited once,
    // in path order as on a search
    const union = new Map<string, string>();
    for (const dir of roots) for (const [path, text] of Object.entries(stored.roots[dir]?.dependencies ?? {})) union.set(path, text);
    for (const [path, text] of [...union].sort(byPath)) {
      stats.reused++;
      visit(path, text);
    }
    return stats;
  }

  const found = await (searching ?? searchAll());
  const folders = new Map<string, string>();
  for (const [path, text] of found) if (path.endsWith('/Chart.yaml') || path === 'Chart.yaml') folders.set(path.slice(0, -'/Chart.yaml'.length), text);
  // a folder is a chart of a chart dir when no folder between the two holds a Chart.yaml
  const between = new Map<string, [root: number, middle: string[]][]>();
  const asked = new Set<string>();
  for (const folder of folders.keys()) {
    const ways: [number, string[]][] = [];
    roots.forEach((dir, i) => {
      if (trees[i] === undefined || folder === dir || !(dir === '' || folder.startsWith(`${dir}/`))) return;
      const parts = folder.slice(dir ? dir.length + 1 : 0).split('/');
      const middle = parts.slice(0, -1).map((_, k) => [dir, ...parts.slice(0, k + 1)].filter(Boolean).join('/'));
      for (const m of middle) asked.add(m);
      ways.push([i, middle]);
    });
    between.set(folder, ways);
  }
  const enclosing = new Set<string>();
  if (asked.size) {
    const names = [...asked];
    const answers = await objects.info(names.map((m) => `${rev}:${m}/Chart.yaml`));
    answers.forEach((a, i) => a?.type === 'blob' && enclosing.add(names[i]!));
  }
  // the charts of each chart dir, in path order
  const charts = roots.map(() => new Map<string, string>());
  for (const [folder, text] of [...folders].sort(byPath)) {
    const of = between.get(folder)!.filter(([, middle]) => middle.every((m) => !enclosing.has(m)));
    if (!of.length) continue;
    for (const [i] of of) charts[i]!.set(folder, text);
    stats.read++;
    visit(folder, text);
  }
  if (indexFile) save(indexFile, roots, trees, charts);
  return stats;
}

/** Orders `[path, text]` entries by path, by code unit (as git orders paths), not by locale. */
const byPath = ([a]: [string, string], [b]: [string, string]) => (a < b ? -1 : a > b ? 1 : 0);

function readJson<T extends { format?: unknown }>(file: string): T | undefined {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as T;
    return value?.format === FORMAT ? value : undefined;
  } catch {
    return undefined; // none yet, or unreadable: everything is read from git
  }
}

function loadIndex(file: string): StoredIndex | undefined {
  const stored = readJson<StoredIndex>(file);
  if (typeof stored?.roots !== 'object' || stored.roots === null) return undefined;
  for (const root of Object.values(stored.roots)) {
    if (typeof root?.tree !== 'string' || typeof root.dependencies !== 'object' || root.dependencies === null) return undefined;
    if (!Object.values(root.dependencies).every((text) => typeof text === 'string')) return undefined;
  }
  return stored;
}

/**
 * Writes the file in one rename: a concurrent reader sees the old or the new file, never half of one. Synchronously:
 * the file is a few kilobytes, and the answer waits for it; four hops through the thread pool, each waiting for a
 * turn of a busy event loop, cost more than the write.
 */
function save(file: string, roots: string[], trees: (string | undefined)[], charts: Map<string, string>[]): void {
  const index: StoredIndex = { format: FORMAT, roots: {} };
  roots.forEach((dir, i) => {
    if (trees[i] !== undefined) index.roots[dir] = { tree: trees[i]!, dependencies: Object.fromEntries(charts[i]!) };
  });
  try {
    mkdirSync(dirname(file), { recursive: true });
    replaceFileSync(file, JSON.stringify(index));
    // the folders file of an earlier format is of no use any more
    rmSync(`${file.slice(0, -'.json'.length)}-folders.json`, { force: true });
  } catch {
    // a read-only clone still detects, only without the index
  }
}

/**
 * The index file of the repository around `cwd`: `<git common dir>/chart-release/chart-index.json`, shared by the
 * worktrees of one clone. Found from the file system (`.git` folder or `gitdir:` file, `commondir`, `GIT_DIR`)
 * without running git; undefined when there is none (a bare repository).
 */
export function chartIndexFile(cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  // synchronous: a few stat calls, and a cold run can start reading charts before the diff is under way
  let gitDir = env.GIT_DIR ? resolve(cwd, env.GIT_DIR) : undefined;
  for (let dir = resolve(cwd); !gitDir; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    const kind = statSync(dotGit, { throwIfNoEntry: false });
    if (kind?.isDirectory()) gitDir = dotGit;
    else if (kind) {
      const pointer = /^gitdir:\s*(.+?)\s*$/m.exec(readText(dotGit) ?? '');
      if (!pointer) return undefined;
      gitDir = resolve(dir, pointer[1]!);
    } else if (dirname(dir) === dir) return undefined;
  }
  const commondir = env.GIT_COMMON_DIR ?? readText(join(gitDir, 'commondir'))?.trim();
  return join(commondir ? resolve(gitDir, commondir) : gitDir, 'chart-release', 'chart-index.json');
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
