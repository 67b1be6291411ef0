import { posix } from 'node:path';
import { ReleaseError } from '@chart-release/core';

/** A chart as its folder and its Chart.yaml `name` (the name makes its registry repository, tag and files). */
export interface ChartIdentity {
  name: string;
  /** Repository-relative folder holding Chart.yaml. */
  path: string;
}

/**
 * A chart is its folder and its name together. Two folders whose charts share a name would share one registry
 * repository, one release tag and one package file: an error naming every folder. A name that differs from its
 * folder is allowed but easy to miss, so it is a warning.
 */
export function chartIdentityProblems(
  planned: readonly ChartIdentity[],
  repository: readonly ChartIdentity[] = [],
): { errors: ReleaseError[]; warnings: { message: string; file: string }[] } {
  const folders = new Map<string, Set<string>>();
  for (const c of [...planned, ...repository]) {
    const set = folders.get(c.name) ?? new Set<string>();
    set.add(c.path);
    folders.set(c.name, set);
  }
  const errors: ReleaseError[] = [];
  const reported = new Set<string>();
  for (const c of planned) {
    const paths = [...folders.get(c.name)!].sort();
    if (paths.length < 2 || reported.has(c.name)) continue;
    reported.add(c.name);
    errors.push(
      new ReleaseError(
        'DUPLICATE_CHART_NAME',
        `${paths.length} charts are named '${c.name}': ${paths.join(', ')}; they would share one registry repository, release tag and package.`,
        {
          chart: c.name,
          file: posix.join(paths[0]!, 'Chart.yaml'),
          hint: `give each chart a name of its own in Chart.yaml (e.g. the folder's name) and bump its version.`,
          details: { folders: paths },
        },
      ),
    );
  }
  const warnings = planned
    .filter((c) => posix.basename(c.path) !== c.name)
    .map((c) => ({
      message: `${c.name}: the chart in ${c.path} is named '${c.name}', not '${posix.basename(c.path)}' like its folder; it is released as '${c.name}'.`,
      file: posix.join(c.path, 'Chart.yaml'),
    }));
  return { errors, warnings };
}
