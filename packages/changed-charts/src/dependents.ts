import { posix } from 'node:path';
import type { ReleaseError } from '@chart-release/core';
import { isReleaseError } from '@chart-release/core';
import { parseChartYaml, type ChartDependency, type ChartMetadata } from './chart-yaml.ts';
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

/** Whether `dep`, declared by the chart in folder `from`, points at `target` (by `file://` path, or by name). */
export function dependencyPointsAt(dep: ChartDependency, from: string, target: KnownChart): boolean {
  const repository = dep.repository ?? '';
  if (repository.startsWith('file://')) {
    const resolved = posix.normalize(posix.join(from, repository.slice('file://'.length))).replace(/\/+$/, '');
    return resolved === target.path;
  }
  // a same-repository chart pulled from the chart repository or registry it is published to
  return dep.name === target.metadata.name;
}

/**
 * Finds every chart at `head` that depends, directly or through other dependents, on one of `changed`. Reads no
 * Chart.yaml that cannot match: each round asks `git grep` which Chart.yaml files mention a name or folder of the
 * previous round's charts, then parses only those. Returns the dependents (charts in `changed` included, when they
 * depend on another changed chart) and the Chart.yaml problems met on the way.
 */
export async function findDependents(
  git: GitReader,
  head: string,
  chartDirs: string[],
  changed: KnownChart[],
): Promise<{ dependents: Map<string, Dependent>; errors: ReleaseError[] }> {
  const pathspecs = chartDirs.map((d) => `:(glob)${d === '.' ? '' : `${d}/`}**/Chart.yaml`);
  const inSet = new Map<string, KnownChart>(changed.map((c) => [c.path, c]));
  const dependents = new Map<string, Dependent>();
  const errors: ReleaseError[] = [];
  const parsed = new Map<string, KnownChart | null>();
  let frontier = changed;

  while (frontier.length > 0) {
    const words = [...new Set(frontier.flatMap((c) => [c.metadata.name, posix.basename(c.path)]))];
    const files = (await git.filesContaining(head, words, pathspecs)).filter((f) => !parsed.has(posix.dirname(f)));
    const dirs = files.map((f) => posix.dirname(f));
    // a Chart.yaml inside another chart (a vendored subchart) is part of that chart, not a chart of its own
    const roots = await locateCharts(
      git,
      files.map((file) => ({ rev: head, file })),
      chartDirs,
    );
    const own = dirs.filter((dir, i) => roots[i] === dir);
    const blobs = await git.readBlobs(own.map((dir) => `${head}:${dir}/Chart.yaml`));
    own.forEach((dir, i) => {
      try {
        parsed.set(dir, { path: dir, metadata: parseChartYaml(blobs[i] ?? '', `${dir}/Chart.yaml`) });
      } catch (error) {
        if (!isReleaseError(error)) throw error;
        errors.push(error);
        parsed.set(dir, null);
      }
    });
    for (const dir of dirs) if (!parsed.has(dir)) parsed.set(dir, null);

    const next: KnownChart[] = [];
    for (const candidate of parsed.values()) {
      if (!candidate) continue;
      const targets = frontier.filter(
        (t) => t.path !== candidate.path && candidate.metadata.dependencies.some((d) => dependencyPointsAt(d, candidate.path, t)),
      );
      if (targets.length === 0) continue;
      const known = dependents.get(candidate.path);
      const names = targets.map((t) => t.metadata.name);
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
