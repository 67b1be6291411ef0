import { ReleaseError } from '@chart-release/core';
import { gt } from 'semver';
import type { ChartChange } from './types.ts';

/**
 * The version gate: every chart to release that existed at base must have a higher SemVer `version` than it had
 * there, or its release would overwrite (or collide with) the one already published. Returns one
 * `VERSION_NOT_BUMPED` error per offending chart, all at once, in chart order.
 */
export function checkVersionBumps(charts: readonly ChartChange[]): ReleaseError[] {
  const errors: ReleaseError[] = [];
  for (const chart of charts) {
    if (!chart.release || chart.previousVersion === undefined) continue;
    if (gt(chart.version, chart.previousVersion)) continue;
    const why = chart.changedFiles.length
      ? `${chart.changedFiles.length} file${chart.changedFiles.length === 1 ? '' : 's'} changed`
      : `it depends on ${chart.triggeredBy.join(', ')}, which changed`;
    const same = chart.version === chart.previousVersion;
    errors.push(
      new ReleaseError(
        'VERSION_NOT_BUMPED',
        `${why}, but version ${chart.version} is ${same ? 'the same as' : 'lower than'} the base version ${chart.previousVersion}.`,
        {
          chart: chart.name,
          file: `${chart.path}/Chart.yaml`,
          hint: `raise 'version' above ${chart.previousVersion} in ${chart.path}/Chart.yaml (SemVer: patch for fixes, minor for features, major for breaking changes).`,
          details: { version: chart.version, previousVersion: chart.previousVersion },
        },
      ),
    );
  }
  return errors;
}
