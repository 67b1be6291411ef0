import { posix } from 'node:path';
import { isReleaseError, type ReleaseError } from '@chart-release/core';
import { parseChartYaml, type ChartMetadata } from '@chart-release/chart-metadata';
import type { ObjectReader } from './object-reader.ts';
import { searchChartYamls, type FileSearch, type SearchStats } from './chart-index.ts';

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

/** A registry URL compared loosely: `oci://GHCR.io/acme/charts/` and `oci://ghcr.io/acme/charts` are the same. */
function sameRegistry(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)?([^/]*)(.*)$/i.exec(url.trim())!;
  return `${(m[1] ?? 'oci://').toLowerCase()}${m[2]!.toLowerCase()}${m[3]!.replace(/\/+$/, '')}`;
}

/**
 * The charts at a revision that declare dependencies, by folder: parsed, or the error their Chart.yaml gave with its
 * text (reported only when the search meets it). Charts without dependencies are not kept.
 */
export type DependencyIndex = Map<string, KnownChart | { error: ReleaseError; text: string }>;

/**
 * Builds the index from every Chart.yaml at `rev` that mentions `dependencies` (see `searchChartYamls`), parsed in any
 * YAML style the full parser reads. `indexFile` keeps what was read for the next run.
 */
export async function indexDependencies(
  objects: ObjectReader,
  rev: string,
  chartDirs: string[],
  indexFile: string | undefined,
  search: FileSearch,
): Promise<{ index: DependencyIndex; stats: SearchStats }> {
  const index: DependencyIndex = new Map();
  const stats = await searchChartYamls(
    objects,
    rev,
    chartDirs,
    (folder, text) => {
      try {
        const metadata = parseChartYaml(text, `${folder}/Chart.yaml`);
        if (metadata.dependencies.length) index.set(folder, { path: folder, metadata });
      } catch (error) {
        if (!isReleaseError(error)) throw error;
        index.set(folder, { error, text });
      }
    },
    indexFile,
    search,
  );
  return { index, stats };
}

/** A dependency by name (from a chart repository or registry) of a chart on a chart of the release set. */
export interface NameDependency {
  /** The folder of the chart that declares it. */
  path: string;
  metadata: ChartMetadata;
  dependency: { name: string; version?: string; repository: string };
  /** The chart of the release set it names. */
  target: KnownChart;
}

/**
 * Finds every chart of the index whose package changes with one of `changed`: a `file://` dependency on its folder,
 * directly or through other such dependents (helm copies the folder into the package; a vendored `charts/<name>/`
 * folder is part of the chart's own folder, so its changes are the chart's). Returns the dependents (charts in
 * `changed` included, when they depend on another changed chart), the dependencies by name on a chart of the set
 * (from a chart repository or registry: the dependent's package keeps the version it was built with, so these are
 * notes, never a reason to release), and the errors of the broken Chart.yaml files that mention a chart of the
 * search, which may hide a dependent. With `registry`, an `oci://` dependency names a chart of the set only when it
 * comes from that registry.
 */
export function findDependents(
  changed: KnownChart[],
  index: DependencyIndex,
  registry?: string,
): { dependents: Map<string, Dependent>; byName: NameDependency[]; errors: ReleaseError[] } {
  const ours = registry === undefined ? undefined : sameRegistry(registry);
  const inSet = new Set(changed.map((c) => c.path));
  const dependents = new Map<string, Dependent>();
  const byName: NameDependency[] = [];
  const errors: ReleaseError[] = [];
  const reported = new Set<string>();
  let frontier = changed;

  while (frontier.length > 0) {
    const byPath = new Map(frontier.map((t) => [t.path, t]));
    const named = new Map<string, KnownChart[]>();
    for (const t of frontier) named.set(t.metadata.name, [...(named.get(t.metadata.name) ?? []), t]);
    const next: KnownChart[] = [];
    for (const [folder, candidate] of index) {
      if (!('metadata' in candidate)) {
        if (!reported.has(folder) && frontier.some((t) => candidate.text.includes(t.metadata.name) || candidate.text.includes(posix.basename(t.path)))) {
          reported.add(folder);
          errors.push(candidate.error);
        }
        continue;
      }
      const targets = new Set<KnownChart>();
      for (const dep of candidate.metadata.dependencies) {
        const repository = dep.repository ?? '';
        if (repository.startsWith('file://')) {
          const t = byPath.get(resolveFileDependency(folder, repository));
          if (t && t.path !== folder) targets.add(t);
          continue;
        }
        // no repository: helm takes the vendored charts/<name>/ of the chart's own folder
        if (!repository || (ours && repository.startsWith('oci://') && ours !== sameRegistry(repository))) continue;
        for (const t of named.get(dep.name) ?? [])
          if (t.path !== folder)
            byName.push({ path: folder, metadata: candidate.metadata, dependency: { name: dep.name, version: dep.version, repository }, target: t });
      }
      if (targets.size === 0) continue;
      const names = [...targets].map((t) => t.metadata.name);
      const known = dependents.get(folder);
      if (known) {
        known.dependsOn = [...new Set([...known.dependsOn, ...names])];
        continue;
      }
      dependents.set(folder, { ...candidate, dependsOn: names });
      if (!inSet.has(folder)) {
        inSet.add(folder);
        next.push(candidate);
      }
    }
    frontier = next;
  }
  return { dependents, byName, errors };
}
