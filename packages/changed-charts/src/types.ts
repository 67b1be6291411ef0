import type { Logger, ReleaseErrorJSON } from '@chart-release/core';
import type { BaseSource } from './range.ts';

/** One chart the compared range touched, or that depends on one it touched. */
export interface ChartChange {
  /** `name` from Chart.yaml (at head; at base for a deleted chart). */
  name: string;
  /** Repository-relative folder holding Chart.yaml. */
  path: string;
  /** `version` at head (at base for a deleted chart). */
  version: string;
  /** `version` at base, when the chart existed there under the same name. */
  previousVersion?: string;
  status: 'added' | 'modified' | 'deleted' | 'renamed';
  /** For a renamed chart: its folder at base. */
  previousPath?: string;
  /** Repository-relative paths of the chart's changed files (ignored files left out); empty for a pure dependent. */
  changedFiles: string[];
  /** Names of charts of this result it depends on by `file://` (their folder is in its package), which make it change too. */
  triggeredBy: string[];
  type: 'application' | 'library';
  /** Whether to publish it: false for deleted charts and for pure moves of an unchanged chart. */
  release: boolean;
}

/**
 * A chart that depends by name (from a chart repository or registry) on a chart this push releases. Its package keeps
 * the version it resolves from there, so it is not released for it: a note, never an error.
 */
export interface DependencyNote {
  /** The chart that declares the dependency, and its folder. */
  chart: string;
  path: string;
  /** The released chart it names, the version constraint it declares and where it takes it from. */
  dependency: string;
  constraint?: string;
  repository: string;
  /** The version of `dependency` this push releases. */
  released: string;
  /** `web depends on lib 1.2.*; lib 1.3.0 is released in this push`. */
  message: string;
}

/** What `detectChangedCharts` found, in the shape `--json` prints. */
export interface ChangedChartsResult {
  /** The compared commits (base is the empty tree when baseSource is `root`). */
  base: string;
  head: string;
  baseSource: BaseSource;
  charts: ChartChange[];
  /** Every problem found (VERSION_NOT_BUMPED, VERSION_INVALID, CHART_YAML_INVALID, ...); a release needs none. */
  errors: ReleaseErrorJSON[];
  /** Charts depending by name on a released chart, which are not released for it. */
  notes: DependencyNote[];
}

export interface DetectOptions {
  /** A folder inside the git repository. */
  cwd: string;
  /** Compare from this revision (default: the push event's `before`, with fallbacks; see `resolveRange`). */
  base?: string;
  /** Compare to this revision (default: the push event's `after`, else HEAD). */
  head?: string;
  /** Folders holding charts, repository-relative (default `['charts']`); charts may be nested below them. */
  chartDirs?: string[];
  /** Glob patterns of files whose changes do not count (`**\/*.md`); a pattern without `/` matches a base name. */
  ignore?: string[];
  /** Branch whose merge-base is the fallback base (default `main`). */
  targetBranch?: string;
  /** Release tag template, for the last-tags fallback (default `{name}-v{version}`). */
  tagTemplate?: string;
  /**
   * The registry the charts are released to (`oci://ghcr.io/acme/charts`): an `oci://` dependency by name is noted as
   * one on a chart of this repository only when its `repository` is this registry. Without it, any dependency by name
   * whose name is a released chart's is noted.
   */
  registry?: string;
  /** Environment to read GITHUB_EVENT_PATH from (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /**
   * Keep the index of which charts declare dependencies in `<git dir>/chart-release/chart-index.json`, so a later
   * run reads only the chart folders that changed since, and the Chart.yaml files read with their metadata beside it
   * (default true). Entries are keyed by tree and blob id: never stale.
   */
  cache?: boolean;
  /** Where to say which base was chosen and why (default: silent). */
  logger?: Logger;
}
