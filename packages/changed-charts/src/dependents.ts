import { posix } from 'node:path';
import { isReleaseError, type ReleaseError } from '@chart-release/core';
import { parseChartYaml, type ChartMetadata } from './chart-yaml.ts';
import { locateCharts } from './chart-roots.ts';
import type { GitReader } from './git.ts';

/** A chart known to the search: its folder and its parsed Chart.yaml at head. */
export interface KnownChart {
  path: string;
  metadata: ChartMetadata;
}

/** A chart found to depend on charts of the release set. */
export interface Dependent extends KnownChart {
  /** Names of the charts in the release set it depends on directly. */
  dependsOn: string[];
}

/** The repository-relative folder a `file://` dependency of the chart in folder `from` points at. */
export function resolveFileDependency(from: string, repository: string): string {
  return posix.normalize(posix.join(from, repository.slice('file://'.length))).replace(/\/+$/, '');
}

/** Which charts may declare a dependency, and on what: Chart.yaml path -> names and folder names it mentions. */
export type DependencyIndex = Map<string, Set<string>>;

/**
 * Builds the index from one `git grep` of the indented `name:`/`repository:` lines of every Chart.yaml at `rev`;
 * nothing else of those files is read. A `file://../lib` repository is indexed by its last folder, `lib`.
 */
export async function indexDependencies(git: GitReader, rev: string, chartDirs: string[]): Promise<DependencyIndex> {
  const pathspecs = chartDirs.map((d) => `:(top,glob)${d === '.' ? '' : `${d}/`}**/Chart.yaml`);
  const index: DependencyIndex = new Map();
  for (const [path, values] of await git.indentedNameLines(rev, pathspecs)) {
    index.set(path, new Set(values.map((v) => (v.startsWith('file://') ? posix.basename(v.replace(/\/+$/, '')) : v))));
  }
  return index;
}

/**
 * Finds every chart at `head` that depends, directly or through other dependents, on one of `changed`: by a
 * `file://` path to its folder, or by its name (a same-repository chart pulled from the registry it is published to). Reads only
 * the Chart.yaml files the index says mention a name or folder of the previous round's charts. Returns the
 * dependents (charts in `changed` included, when they depend on another changed chart) and the Chart.yaml
 * problems met on the way.
 */
export async function findDependents(
  git: GitReader,
  head: string,
  chartDirs: string[],
  changed: KnownChart[],
  index: DependencyIndex,
): Promise<{ dependents: Map<string, Dependent>; errors: ReleaseError[] }> {
  const inSet = new Map<string, KnownChart>(changed.map((c) => [c.path, c]));
  const dependents = new Map<string, Dependent>();
  const errors: ReleaseError[] = [];
  const parsed = new Map<string, KnownChart | null>();
  let frontier = changed;

  while (frontier.length > 0) {
    const words = new Set(frontier.flatMap((c) => [c.metadata.name, posix.basename(c.path)]));
    const files = [...index].filter(([file, mentions]) => !parsed.has(posix.dirname(file)) && [...mentions].some((m) => words.has(m))).map(([file]) => file);
    const dirs = files.map((f) => posix.dirname(f));
    // a Chart.yaml inside another chart (a vendored subchart) is part of that chart, not a chart of its own
    const { roots, chartYamls: texts } = await locateCharts(git.objects, head, files, chartDirs);
    const own = dirs.filter((dir, i) => roots[i] === dir);
    own.forEach((dir) => {
      try {
        parsed.set(dir, { path: dir, metadata: parseChartYaml(texts.get(dir) ?? '', `${dir}/Chart.yaml`) });
      } catch (error) {
        if (!isReleaseError(error)) throw error;
        errors.push(error);
        parsed.set(dir, null);
      }
    });
    for (const dir of dirs) if (!parsed.has(dir)) parsed.set(dir, null);

    const next: KnownChart[] = [];
    const byPath = new Map(frontier.map((t) => [t.path, t]));
    const byName = new Map<string, KnownChart[]>();
    for (const t of frontier) byName.set(t.metadata.name, [...(byName.get(t.metadata.name) ?? []), t]);
    for (const candidate of parsed.values()) {
      if (!candidate) continue;
      const targets = new Set<KnownChart>();
      for (const dep of candidate.metadata.dependencies) {
        const repository = dep.repository ?? '';
        const hits = repository.startsWith('file://') ? [byPath.get(resolveFileDependency(candidate.path, repository))] : (byName.get(dep.name) ?? []);
        for (const t of hits) if (t && t.path !== candidate.path) targets.add(t);
      }
      if (targets.size === 0) continue;
      const names = [...targets].map((t) => t.metadata.name);
      const known = dependents.get(candidate.path);
      if (known) {
        known.dependsOn = [...new Set([...known.dependsOn, ...names])];
        continue;
      }
      dependents.set(candidate.path, { ...candidate, dependsOn: names });
      if (!inSet.has(candidate.path)) {
        inSet.set(candidate.path, candidate);
        next.push(candidate);
      }
    }
    frontier = next;
  }
  return { dependents, errors };
}
