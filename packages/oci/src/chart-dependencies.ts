import { ReleaseError, type ErrorCode } from '@chart-release/core';
import type { ChartDependency } from '@chart-release/chart-metadata';
import semver from 'semver';
import { parse } from 'yaml';

/** Where a dependency comes from, as helm reads its `repository:` (https://helm.sh/docs/helm/helm_dependency/). */
export type DependencySource =
  | { kind: 'file'; path: string }
  | { kind: 'repository'; url: string }
  | { kind: 'registry'; url: string }
  | { kind: 'vendored' }
  | { kind: 'named'; name: string };

/** One dependency of a chart as packaging fetches it: the version wanted is the Chart.lock's when locked, else the constraint. */
export interface DependencyRequest {
  name: string;
  /** `alias` of Chart.yaml, kept as it is (helm applies it when the chart is loaded). */
  alias?: string;
  repository: string;
  source: DependencySource;
  /** The Chart.yaml constraint (`1.2.x`, `~1.2.0`, `>=1.0.0 <2.0.0`, an exact version). */
  constraint?: string;
  /** The exact version of Chart.lock, when the chart has one that lists this dependency. */
  locked?: string;
}

/** A parsed Chart.lock: the exact version helm resolved for each (name, repository). */
export interface ChartLock {
  dependencies: { name: string; version: string; repository: string }[];
}

/** Reads a Chart.lock's dependencies; undefined for text that is not one. */
export function parseChartLock(text: string): ChartLock | undefined {
  const data = parse(text) as { dependencies?: { name?: unknown; version?: unknown; repository?: unknown }[] } | null;
  if (!data || !Array.isArray(data.dependencies)) return undefined;
  return {
    dependencies: data.dependencies
      .filter((d) => typeof d?.name === 'string')
      .map((d) => ({ name: String(d.name), version: String(d.version ?? ''), repository: String(d.repository ?? '') })),
  };
}

/** How helm reads a `repository:` value. */
export function dependencySource(repository: string | undefined): DependencySource {
  const r = (repository ?? '').trim();
  if (!r) return { kind: 'vendored' };
  if (r.startsWith('file://')) return { kind: 'file', path: r.slice('file://'.length) };
  if (r.startsWith('oci://')) return { kind: 'registry', url: r.replace(/\/+$/, '') };
  if (/^https?:\/\//.test(r)) return { kind: 'repository', url: r.replace(/\/+$/, '') };
  return { kind: 'named', name: r.replace(/^@|^alias:/, '') };
}

/** The requests packaging makes for a chart's dependencies, with Chart.lock's versions where it has them. */
export function dependencyRequests(dependencies: readonly ChartDependency[], lock?: ChartLock): DependencyRequest[] {
  return dependencies.map((d) => {
    const repository = d.repository ?? '';
    const locked = lock?.dependencies.find((l) => l.name === d.name && sameRepository(l.repository, repository))?.version;
    return {
      name: d.name,
      ...(d.alias ? { alias: d.alias } : {}),
      repository,
      source: dependencySource(repository),
      ...(d.version ? { constraint: d.version } : {}),
      ...(locked ? { locked } : {}),
    };
  });
}

/**
 * The requests a chart's Chart.lock does not stand for (helm dependency build refuses such a lock as out of sync):
 * a fetched dependency the lock lacks, or whose locked version the Chart.yaml constraint does not allow.
 */
export function staleLockEntries(requests: readonly DependencyRequest[]): DependencyRequest[] {
  return requests.filter(
    (r) =>
      (r.source.kind === 'repository' || r.source.kind === 'registry' || r.source.kind === 'file') &&
      (r.locked === undefined || (r.constraint !== undefined && !satisfiesConstraint(r.locked, r.constraint))),
  );
}

/** The version or constraint a request asks for: Chart.lock's version, else Chart.yaml's constraint (empty: any). */
export function wantedVersion(request: DependencyRequest): string {
  return request.locked ?? request.constraint ?? '';
}

/**
 * Whether `version` meets a helm version constraint (Masterminds semver: `,` joins, `||` alternates, `x`/`*`
 * wildcards, `~`, `^`, ranges); prerelease versions only when the constraint names one, as helm has it.
 */
export function satisfiesConstraint(version: string, constraint: string | undefined): boolean {
  if (!constraint?.trim() || constraint.trim() === '*') return semver.valid(version) !== null;
  const range = constraint
    .split('||')
    .map((part) =>
      part
        .replace(/,/g, ' ')
        .replace(/\bv(\d)/g, '$1')
        .trim(),
    )
    .join(' || ');
  try {
    return semver.satisfies(version, range, { loose: true });
  } catch {
    return false;
  }
}

/** Which catalogued problem a failed `helm repo add` or `helm pull` is, from what helm printed. */
export function classifyDependencyFailure(output: string): ErrorCode {
  if (/\b(401|403)\b|unauthori[sz]ed|forbidden|denied|authentication required|basic credential not found|no basic auth credentials/i.test(output))
    return 'DEPENDENCY_UNAUTHORIZED';
  if (/not found|no chart version found|no chart name found|manifest unknown|name unknown|\b404\b|no matching tag|could not locate/i.test(output))
    return 'DEPENDENCY_NOT_FOUND';
  return 'DEPENDENCY_UNREACHABLE';
}

/** The error for a dependency that could not be fetched: names the chart, the dependency, the repository and the fix. */
export function dependencyError(code: ErrorCode, subject: { chart: string; file: string; request: DependencyRequest }, cause: string): ReleaseError {
  const { request } = subject;
  const what = `${request.name}${wantedVersion(request) ? ` ${wantedVersion(request)}` : ''}`;
  const hints: Partial<Record<ErrorCode, string>> = {
    DEPENDENCY_UNAUTHORIZED: `add '${request.repository}' under dependencies.repositories in .chart-release.yaml (username, passwordEnv) and set that variable in the workflow.`,
    DEPENDENCY_NOT_FOUND: !request.repository
      ? `commit the ${request.name} subchart into charts/, or give its repository (https://, oci:// or file://) in Chart.yaml.`
      : `check that ${request.repository} has ${what} (helm search repo --versions, or helm show chart), or change the version in Chart.yaml and re-run helm dependency update.`,
    DEPENDENCY_UNREACHABLE: `check the repository URL '${request.repository}' in Chart.yaml and that the runner can reach it.`,
    DEPENDENCY_LOCK_STALE: `run 'helm dependency update' in the chart folder and commit Chart.lock (it has ${request.locked ? `${request.name} ${request.locked}, which ${request.constraint} does not allow` : `no entry for ${request.name}`}).`,
    DEPENDENCY_UNSUPPORTED: `replace '${request.repository}' with the repository's URL (https://... or oci://...) in Chart.yaml.`,
  };
  return new ReleaseError(code, `dependency ${what} from ${request.repository || 'charts/'}: ${cause.trim().split('\n').slice(-3).join(' ')}`, {
    chart: subject.chart,
    file: subject.file,
    hint: hints[code],
    details: { dependency: request.name, repository: request.repository, version: wantedVersion(request) },
  });
}

/** Several dependency problems of one chart, found together; `problems` lists each. */
export class ChartDependencyError extends ReleaseError {
  readonly problems: ReleaseError[];
  constructor(problems: ReleaseError[]) {
    const [first] = problems;
    super(first!.code, problems.length > 1 ? `${first!.message} (and ${problems.length - 1} more)` : first!.message, {
      chart: first!.chart,
      file: first!.file,
      hint: first!.hint,
      details: first!.details,
    });
    this.problems = problems;
  }
}

function sameRepository(a: string, b: string): boolean {
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
}
