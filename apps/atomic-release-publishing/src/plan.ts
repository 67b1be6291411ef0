import { join } from 'node:path';
import semver from 'semver';
import { releaseTag } from '@chart-release/github-release';
import type { AssetKind, ReleaseConfig } from './config.ts';

/** A chart as change detection reports it (the shape of @chart-release/changed-charts' ChartChange). */
export interface DetectedChart {
  name: string;
  path: string;
  version: string;
  previousVersion?: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed';
  changedFiles: string[];
  triggeredBy: string[];
  type: 'application' | 'library';
  release: boolean;
  /** Why a chart with `release: false` is not released (default: deleted / not released). */
  notReleasedBecause?: string;
}

/** Everything the run will do for one chart, decided before anything is written. */
export interface PlannedChart {
  name: string;
  version: string;
  /** Chart folder relative to the repository root. */
  path: string;
  /** Absolute chart folder. */
  dir: string;
  status: DetectedChart['status'];
  previousVersion?: string;
  triggeredBy: string[];
  type: DetectedChart['type'];
  /** `oci://host/namespace/<name>`. */
  ociRepository: string;
  /** OCI tag: the version with `+` spelled `_`, as helm does. */
  ociTag: string;
  gitTag: string;
  packageFile: string;
  prerelease: boolean;
  assets: AssetKind[];
}

export interface ReleasePlan {
  head: string;
  base: string;
  baseSource?: string;
  repository?: string;
  registry: string;
  signing: ReleaseConfig['signing']['mode'];
  charts: PlannedChart[];
  /** Changed charts that are not released (deleted ones), with the reason. */
  notReleased: { name: string; path: string; why: string }[];
  /** Where the released versions are indexed after publishing (the Helm repository on Pages), when on. */
  index?: { branch: string; path: string };
}

/** Turns detected changes and the config into the run's plan. */
export function buildReleasePlan(detected: { base: string; head: string; baseSource?: string; charts: DetectedChart[] }, config: ReleaseConfig): ReleasePlan {
  const charts: PlannedChart[] = [];
  const notReleased: ReleasePlan['notReleased'] = [];
  for (const c of [...detected.charts].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!c.release || c.status === 'deleted') {
      notReleased.push({ name: c.name, path: c.path, why: c.notReleasedBecause ?? (c.status === 'deleted' ? 'deleted' : 'not released') });
      continue;
    }
    const assets: AssetKind[] = ['package', 'lineage', 'changelog', 'readme', 'license'];
    if (config.signing.mode !== 'none') assets.splice(1, 0, 'signature', 'bundle');
    charts.push({
      name: c.name,
      version: c.version,
      path: c.path,
      dir: join(config.cwd, c.path),
      status: c.status,
      previousVersion: c.previousVersion,
      triggeredBy: c.triggeredBy,
      type: c.type,
      ociRepository: `${config.registry}/${c.name}`,
      ociTag: c.version.replaceAll('+', '_'),
      gitTag: releaseTag(config.release.tagTemplate, c),
      packageFile: `${c.name}-${c.version}.tgz`,
      prerelease: semver.prerelease(c.version) !== null,
      assets,
    });
  }
  return {
    head: detected.head,
    base: detected.base,
    baseSource: detected.baseSource,
    repository: config.github.repository,
    registry: config.registry,
    signing: config.signing.mode,
    charts,
    notReleased,
    ...(config.index.enabled ? { index: { branch: config.index.branch, path: config.index.path } } : {}),
  };
}

/** The plan as text, printed before anything runs (and all that `--dry-run` does besides preflight). */
export function formatPlan(plan: ReleasePlan): string {
  const lines = [`Release plan for ${plan.head.slice(0, 12)} (base ${plan.base.slice(0, 12)}${plan.baseSource ? `, ${plan.baseSource}` : ''})`];
  if (!plan.charts.length) lines.push('  no chart to release');
  for (const c of plan.charts) {
    const why = c.triggeredBy.length ? ` (dependency ${c.triggeredBy.join(', ')} changed)` : '';
    lines.push(
      `  ${c.name} ${c.previousVersion ? `${c.previousVersion} -> ` : ''}${c.version} [${c.status}]${why}`,
      `    push    ${c.ociRepository}:${c.ociTag}`,
      `    release ${c.gitTag}${c.prerelease ? ' (prerelease)' : ''}: ${c.assets.join(', ')}`,
    );
  }
  for (const n of plan.notReleased) lines.push(`  ${n.name}: not released (${n.why})`);
  if (plan.index && plan.charts.length)
    lines.push(`  index   ${plan.index.branch}:${plan.index.path} (${plan.charts.length} version${plan.charts.length === 1 ? '' : 's'}, after publishing)`);
  return `${lines.join('\n')}\n`;
}
