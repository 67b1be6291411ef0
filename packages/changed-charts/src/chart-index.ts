import { readFileSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ObjectReader } from './object-reader.ts';
import { readTree } from './tree-walk.ts';

/**
 * What the index remembers of one folder at a given tree id: a chart (with its Chart.yaml text when that mentions
 * `dependencies`), or a folder of charts with its sub-folders. Keyed by tree id, an entry can never go stale: a
 * folder whose content changed has another tree id.
 */
type Entry = { tree: string; chart: true; text?: string } | { tree: string; chart: false; folders: [name: string, tree: string][] };

/**
 * On disk, two files. The small one says, for each chart dir, its tree id and the Chart.yaml of its charts with
 * dependencies: enough when no chart dir changed. The folders file holds every folder, `[tree, text?]` for a chart and
 * `[tree, [[name, tree], ...]]` for a folder of charts: read only when a chart dir changed.
 */
type StoredIndex = { format: typeof FORMAT; roots: Record<string, { tree: string; dependencies: Record<string, string> }> };
type StoredFolders = { format: typeof FORMAT; folders: Record<string, [string] | [string, string] | [string, [string, string][]]> };
const FORMAT = 'chart-release/chart-index@1';

/** How a walk went: how many folders git was asked about, how many came from the index file. */
export interface WalkStats {
  read: number;
  reused: number;
}

const DEPENDENCIES = 'dependencies';

/** The folders file beside the index file. */
const foldersFile = (indexFile: string) => `${indexFile.slice(0, -'.json'.length)}-folders.json`;

/**
 * Visits the Chart.yaml of every chart at `rev` that mentions `dependencies`: every folder below one of
 * `chartDirs` holding a Chart.yaml, at any depth, without looking into a chart (its vendored subcharts are part of
 * it). git is asked for `<folder tree>:Chart.yaml` of all folders of a depth at once, and lists only the folders
 * that hold none; `walker` is the `cat-file` that does it, one of its own so that the caller's questions on
 * `objects` (which answers the few a run with an index needs) wait for nothing. With an index file, folders whose tree id did not change since
 * it was written are not read at all (nor is anything when no chart dir changed); the files are rewritten when
 * anything was read.
 */
export async function walkChartYamls(
  objects: ObjectReader,
  rev: string,
  chartDirs: string[],
  visit: (folder: string, chartYaml: string) => void,
  indexFile: string | undefined,
  walker: ObjectReader,
): Promise<WalkStats> {
  const roots = chartDirs.map((dir) => (dir === '.' ? '' : dir));
  const stored = indexFile ? loadIndex(indexFile) : undefined;
  // without an index every chart is read: the walker starts at once
  const rootTrees = await (stored ? objects : walker).info(roots.map((dir) => (dir === '' ? `${rev}^{tree}` : `${rev}:${dir}`)));
  const stats: WalkStats = { read: 0, reused: 0 };

  // no chart dir changed since the index was written: its charts with dependencies are all there is to know
  if (stored && roots.every((dir, i) => stored.roots[dir]?.tree === (rootTrees[i]?.type === 'tree' ? rootTrees[i]!.sha : undefined))) {
    // chart dirs may nest (`charts` and `charts/team`): each lists all of its charts, each chart is visited once
    const seen = new Set<string>();
    for (const dir of roots) {
      for (const [path, text] of Object.entries(stored.roots[dir]?.dependencies ?? {})) {
        if (seen.has(path)) continue;
        seen.add(path);
        stats.reused++;
        visit(path, text);
      }
    }
    return stats;
  }

  const previous = stored && indexFile ? loadFolders(foldersFile(indexFile)) : undefined;
  const next = new Map<string, Entry>();
  let toCheck: { path: string; tree: string }[] = [];
  let toList: { path: string; tree: string }[] = [];

  const reuse = (path: string, entry: Entry) => {
    next.set(path, entry);
    stats.reused++;
    if (entry.chart) {
      if (entry.text !== undefined) visit(path, entry.text);
    } else {
      for (const [name, tree] of entry.folders) found(path ? `${path}/${name}` : name, tree, false);
    }
  };
  const found = (path: string, tree: string, isChartDir: boolean) => {
    const known = previous?.get(path);
    if (known?.tree === tree && (known.chart === false || !isChartDir)) reuse(path, known);
    else (isChartDir ? toList : toCheck).push({ path, tree });
  };
  roots.forEach((dir, i) => {
    if (rootTrees[i]?.type === 'tree') found(dir, rootTrees[i]!.sha, true);
  });

  let hashBytes = 0;
  while (toCheck.length || toList.length) {
    // which folders are charts; the others are listed below
    const checking = toCheck;
    toCheck = [];
    stats.read += checking.length;
    await walker.each(
      'contents',
      checking.map((f) => `${f.tree}:Chart.yaml`),
      (i, object) => {
        const folder = checking[i]!;
        if (object?.type !== 'blob' || !object.data) {
          toList.push(folder);
          return;
        }
        if (!object.data.includes(DEPENDENCIES)) {
          next.set(folder.path, { tree: folder.tree, chart: true });
          return;
        }
        const text = object.data.toString('utf8');
        next.set(folder.path, { tree: folder.tree, chart: true, text });
        visit(folder.path, text);
      },
    );
    // the sub-folders of the folders that are not charts
    const listing = toList;
    toList = [];
    const children: { path: string; tree: string }[] = [];
    stats.read += listing.length;
    await walker.each(
      'contents',
      listing.map((f) => f.tree),
      (i, object) => {
        if (object?.type !== 'tree' || !object.data) return;
        hashBytes ||= object.sha.length / 2;
        const folder = listing[i]!;
        const folders: [string, string][] = [];
        readTree(object.data, hashBytes, (name, entry, isFolder) => {
          if (isFolder) folders.push([name, entry().sha]);
        });
        next.set(folder.path, { tree: folder.tree, chart: false, folders });
        for (const [name, tree] of folders) children.push({ path: folder.path ? `${folder.path}/${name}` : name, tree });
      },
    );
    for (const child of children) found(child.path, child.tree, false);
  }

  if (indexFile) await save(indexFile, roots, next);
  return stats;
}

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

function loadFolders(file: string): Map<string, Entry> | undefined {
  const stored = readJson<StoredFolders>(file);
  if (typeof stored?.folders !== 'object' || stored.folders === null) return undefined;
  const out = new Map<string, Entry>();
  for (const [path, value] of Object.entries(stored.folders)) {
    if (!Array.isArray(value) || typeof value[0] !== 'string') return undefined;
    const [tree, more] = value;
    if (more === undefined) out.set(path, { tree, chart: true });
    else if (typeof more === 'string') out.set(path, { tree, chart: true, text: more });
    else if (Array.isArray(more) && more.every((f) => Array.isArray(f) && typeof f[0] === 'string' && typeof f[1] === 'string'))
      out.set(path, { tree, chart: false, folders: more });
    else return undefined;
  }
  return out;
}

/** Writes both files, each replaced in one rename: a concurrent reader sees an old or a new file, never half of one. */
async function save(file: string, roots: string[], entries: Map<string, Entry>): Promise<void> {
  const folders: StoredFolders['folders'] = {};
  const index: StoredIndex = { format: FORMAT, roots: {} };
  for (const dir of roots) {
    const root = entries.get(dir);
    if (root) index.roots[dir] = { tree: root.tree, dependencies: {} };
  }
  for (const [path, e] of entries) {
    folders[path] = e.chart ? (e.text === undefined ? [e.tree] : [e.tree, e.text]) : [e.tree, e.folders];
    if (!e.chart || e.text === undefined) continue;
    for (const dir of roots) if ((dir === '' || path.startsWith(`${dir}/`)) && index.roots[dir]) index.roots[dir].dependencies[path] = e.text;
  }
  try {
    await mkdir(dirname(file), { recursive: true });
    // the folders first: an index naming trees whose folders are not written yet would only cost a re-read
    await replace(foldersFile(file), JSON.stringify({ format: FORMAT, folders } satisfies StoredFolders));
    await replace(file, JSON.stringify(index));
  } catch {
    // a read-only clone still detects, only without the index
  }
}

let saves = 0;

async function replace(file: string, content: string): Promise<void> {
  const temporary = `${file}.${process.pid}-${++saves}.tmp`;
  try {
    await writeFile(temporary, content);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
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
