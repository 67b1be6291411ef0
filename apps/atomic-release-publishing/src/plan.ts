import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildLineage, lineageFileName, type Lineage } from '@chart-release/attestation-map';
import type { ChartDependency } from '@chart-release/chart-metadata';
import {
  assetName,
  defaultMakeLatest,
  isPrerelease,
  releaseTag,
  releaseTitle,
  type MakeLatest,
  type ReleaseSourceFiles,
  type SourceFileOrigin,
} from '@chart-release/github-release';
import { writeBudgetDuration } from '@chart-release/github-client';
import { chartTag } from '@chart-release/oci';
import { ReleaseError } from '@chart-release/core';
import type { AssetKind, ReleaseConfig } from './config.ts';
import type { PlannedWrite, StageName } from './stage.ts';

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

/**
 * A chart that depends by name (from a chart repository or registry) on a chart this push releases: its package
 * does not change, so it is not released for it (the shape of @chart-release/changed-charts' DependencyNote).
 */
export interface DependencyNote {
  chart: string;
  path: string;
  dependency: string;
  constraint?: string;
  released: string;
  /** `web depends on lib 1.2.*; lib 1.3.0 is released in this push`. */
  message: string;
}

/** One file of a chart's release: its asset name, where it comes from, and whether the release needs it. */
export interface PlannedAsset {
  kind: AssetKind;
  name: string;
  /** Absolute path the file is read from (written there first by `producedBy`, when a stage makes it). */
  source: string;
  required: boolean;
  /** The stage that writes the file; absent for a file of the checkout (or one generated for it). */
  producedBy?: StageName;
  /** Where a source file comes from: the chart's own, the repository's license, or generated (`annotation`, `commits`). */
  origin?: SourceFileOrigin;
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
  appVersion?: string;
  description?: string;
  /** `oci://host/namespace/<name>`. */
  ociRepository: string;
  /** OCI tag (`chartTag` of @chart-release/oci: the version with `+` spelled `_`, as helm does). */
  ociTag: string;
  /** `oci://host/namespace/<name>:<tag>`. */
  ociRef: string;
  gitTag: string;
  releaseTitle: string;
  /** File name of the package (`<name>-<version>.tgz`). */
  packageFile: string;
  /** Absolute path the package is written to. */
  packagePath: string;
  prerelease: boolean;
  assets: PlannedAsset[];
  /** The lineage document as far as it is known before the push (the lineage stage adds the digest). */
  lineage: Lineage;
  /** Dependencies declared in Chart.yaml. */
  dependencies: ChartDependency[];
}

export interface ReleasePlan {
  /**
   * `sha256:` of what makes the run this run: the range, the registry, the repository and every planned chart with
   * its version, folder, tag and reference. A matrix leg and the finalize job compare it; a plan narrowed to some
   * charts (`onlyCharts`) keeps the whole plan's.
   */
  fingerprint: string;
  head: string;
  base: string;
  baseSource?: string;
  repository?: string;
  registry: string;
  /** Who signs, and what verifiers check: the mode, layout and the keyless identity and issuer. */
  signing: {
    mode: ReleaseConfig['signing']['mode'];
    layout: ReleaseConfig['signing']['layout'];
    identity?: string;
    identityRegexp?: string;
    issuer: string;
    /** SLSA build provenance per digest (keyless signing only). */
    provenance: boolean;
  };
  /** GitHub's `make_latest` for the published releases (prereleases never become latest). */
  makeLatest: MakeLatest;
  /** The merged pull request the lineage names, or null for a direct push. */
  pullRequest: { number: number; url: string } | null;
  charts: PlannedChart[];
  /**
   * In a plan narrowed to some charts (a matrix leg's, `onlyCharts`): the push's other planned charts. A chart that
   * depends on one of them gets that sibling's new package, packaged locally (reproducibly, so the same archive its
   * own leg pushes); nothing else of the run touches them.
   */
  siblings?: PlannedChart[];
  /** Changed charts that are not released (deleted ones), with the reason. */
  notReleased: { name: string; path: string; why: string }[];
  /** Charts depending by name on a chart this push releases, not released for it. */
  notes: DependencyNote[];
  /** Where the released versions are indexed after publishing (the Helm repository on Pages), when on. */
  index?: { branch: string; path: string };
  /** Every remote write the run will make, stage by stage (`planWrites`). */
  writes: PlannedWrite[];
}

/** A chart's CHANGELOG, README and LICENSE: where each is read from, and whose it is (github-release's resolveReleaseSourceFiles). */
export type SourceFiles = ReleaseSourceFiles;

/** What planning reads besides detection and config (read-only, by the wiring): facts about the repository and charts. */
export interface PlanFacts {
  /** Charts in the repository's chart folders (make-latest defaults to false with several). */
  chartCount?: number;
  /** Chart.yaml fields of each planned chart, by name. */
  metadata?: Record<string, { appVersion?: string; description?: string; dependencies: ChartDependency[] }>;
  /** Lineage of each planned chart from the merged pull request, by name. */
  lineage?: Record<string, Lineage>;
  pullRequest?: { number: number; url: string };
  /** Source files of each chart's release (CHANGELOG, README, LICENSE), by name; the chart folder's by default. */
  sourceFiles?: Record<string, SourceFiles>;
  /** The signing mode `auto` resolves to, and whether provenance is made with it. */
  signingMode?: ReleaseConfig['signing']['mode'];
  provenance?: boolean;
}

/** Turns detected changes, the config and the facts read for them into the run's plan (its writes come from the stages). */
export function buildReleasePlan(
  detected: { base: string; head: string; baseSource?: string; charts: DetectedChart[]; notes?: DependencyNote[] },
  config: ReleaseConfig,
  facts: PlanFacts = {},
): ReleasePlan {
  const charts: PlannedChart[] = [];
  const notReleased: ReleasePlan['notReleased'] = [];
  const signingMode = facts.signingMode ?? config.signing.mode;
  for (const c of [...detected.charts].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!c.release || c.status === 'deleted') {
      notReleased.push({ name: c.name, path: c.path, why: c.notReleasedBecause ?? (c.status === 'deleted' ? 'deleted' : 'not released') });
      continue;
    }
    const dir = join(config.cwd, c.path);
    const ociRepository = `${config.registry}/${c.name}`;
    const ociTag = chartTag(c.version);
    const gitTag = releaseTag(config.release.tagTemplate, c);
    const packageFile = `${c.name}-${c.version}.tgz`;
    const packagePath = join(config.workDir, 'packages', packageFile);
    const metadata = facts.metadata?.[c.name];
    charts.push({
      name: c.name,
      version: c.version,
      path: c.path,
      dir,
      status: c.status,
      previousVersion: c.previousVersion,
      triggeredBy: c.triggeredBy,
      type: c.type,
      ...(metadata?.appVersion ? { appVersion: metadata.appVersion } : {}),
      ...(metadata?.description ? { description: metadata.description } : {}),
      ociRepository,
      ociTag,
      ociRef: `${ociRepository}:${ociTag}`,
      gitTag,
      releaseTitle: releaseTitle(c),
      packageFile,
      packagePath,
      prerelease: isPrerelease(c.version),
      assets: planAssets(c.name, dir, packagePath, config, signingMode, facts.sourceFiles?.[c.name]),
      lineage: facts.lineage?.[c.name] ?? buildLineage({ chart: c.name, version: c.version, tag: gitTag, ociDigest: null }),
      dependencies: metadata?.dependencies ?? [],
    });
  }
  const { layout, identity, identityRegexp, issuer } = config.signing;
  return {
    fingerprint: planFingerprint(detected, config, charts),
    head: detected.head,
    base: detected.base,
    baseSource: detected.baseSource,
    repository: config.github.repository,
    registry: config.registry,
    signing: { mode: signingMode, layout, identity, identityRegexp, issuer, provenance: facts.provenance ?? false },
    makeLatest: config.release.makeLatest === 'auto' ? defaultMakeLatest(facts.chartCount ?? charts.length) : config.release.makeLatest,
    pullRequest: facts.pullRequest ?? null,
    charts,
    notReleased,
    // about the charts this run releases (a version released earlier, by another tool, is not)
    notes: (detected.notes ?? []).filter((n) => charts.some((c) => c.name === n.dependency)),
    ...(config.index.enabled ? { index: { branch: config.index.branch, path: config.index.path } } : {}),
    writes: [],
  };
}

function planFingerprint(detected: { base: string; head: string }, config: ReleaseConfig, charts: PlannedChart[]): string {
  const identity = {
    head: detected.head,
    base: detected.base,
    repository: config.github.repository ?? null,
    registry: config.registry,
    charts: charts.map((c) => [c.name, c.version, c.path, c.gitTag, c.ociRef]),
  };
  return `sha256:${createHash('sha256').update(JSON.stringify(identity)).digest('hex')}`;
}

/**
 * The plan narrowed to the charts named (a matrix leg's), with its fingerprint kept and the others kept as
 * `siblings` (for dependencies on them); a name the plan does not release is a CHART_NOT_PLANNED error.
 */
export function onlyCharts(plan: ReleasePlan, names: readonly string[]): ReleasePlan {
  const unknown = names.filter((n) => !plan.charts.some((c) => c.name === n));
  if (unknown.length) {
    const planned = plan.charts.map((c) => c.name).join(', ') || 'none';
    throw new ReleaseError(
      'CHART_NOT_PLANNED',
      `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not released by this push (planned: ${planned}).`,
      {
        chart: unknown[0],
        hint: "pass a chart of the plan's matrix output ('chart-release plan --json' lists them).",
      },
    );
  }
  return {
    ...plan,
    charts: plan.charts.filter((c) => names.includes(c.name)),
    siblings: [...(plan.siblings ?? []), ...plan.charts.filter((c) => !names.includes(c.name))],
  };
}

/** Every chart the push releases: the plan's, and in a narrowed plan (a matrix leg's) its siblings too. */
export function chartsOfPush<C>(plan: { charts: C[]; siblings?: C[] }): C[] {
  return [...plan.charts, ...(plan.siblings ?? [])];
}

/**
 * The release assets of a chart: the package, its signature and bundle (unless signing is off) and lineage, made by
 * the run; CHANGELOG.md, README.md and LICENSE from the chart folder (or what the wiring found for them). A required
 * file is planned even when missing (preflight names it); an optional one only when it is there.
 */
function planAssets(
  chart: string,
  dir: string,
  packagePath: string,
  config: ReleaseConfig,
  signingMode: ReleaseConfig['signing']['mode'],
  found: SourceFiles | undefined,
): PlannedAsset[] {
  const signed = signingMode !== 'none';
  const required = new Set<AssetKind>(['package', 'lineage', ...config.release.requiredAssets.filter((k) => signed || (k !== 'signature' && k !== 'bundle'))]);
  const produced: [AssetKind, string, StageName][] = [
    ['package', packagePath, 'packaged'],
    ...(signed
      ? ([
          ['signature', `${packagePath}.sig`, 'signed'],
          ['bundle', `${packagePath}.sigstore.json`, 'signed'],
        ] as [AssetKind, string, StageName][])
      : []),
    ['lineage', join(config.workDir, 'lineage', lineageFileName(chart)), 'lineage'],
  ];
  const assets: PlannedAsset[] = produced.map(([kind, source, producedBy]) => ({
    kind,
    name: assetName(kind, chart, source),
    source,
    required: required.has(kind),
    producedBy,
  }));
  const defaults = { changelog: 'CHANGELOG.md', readme: 'README.md', license: 'LICENSE' } as const;
  for (const kind of ['changelog', 'readme', 'license'] as const) {
    const source = found ? found.files[kind] : join(dir, defaults[kind]);
    // a required file is planned where it should be even when missing: preflight names it
    if (!source || (!found && !existsSync(source))) {
      if (required.has(kind)) assets.push({ kind, name: assetName(kind, chart, join(dir, defaults[kind])), source: join(dir, defaults[kind]), required: true });
      continue;
    }
    const origin = found ? found.origins[kind] : 'chart';
    assets.push({ kind, name: assetName(kind, chart, source), source, required: required.has(kind), ...(origin ? { origin } : {}) });
  }
  return assets;
}

/** The plan as text, printed before anything runs (and all that `--dry-run` does besides preflight). */
export function formatPlan(plan: ReleasePlan): string {
  const lines = [`Release plan for ${plan.head.slice(0, 12)} (base ${plan.base.slice(0, 12)}${plan.baseSource ? `, ${plan.baseSource}` : ''})`];
  if (!plan.charts.length) lines.push('  no chart to release');
  for (const c of plan.charts) {
    const why = c.triggeredBy.length ? ` (dependency ${c.triggeredBy.join(', ')} changed)` : '';
    lines.push(
      `  ${c.name} ${c.previousVersion ? `${c.previousVersion} -> ` : ''}${c.version} [${c.status}]${why}`,
      `    push    ${c.ociRef}`,
      `    release ${c.gitTag}${c.prerelease ? ' (prerelease)' : ''}: ${c.assets.map(assetLabel).join(', ')}`,
    );
  }
  for (const n of plan.notReleased) lines.push(`  ${n.name}: not released (${n.why})`);
  for (const n of plan.notes) lines.push(`  note: ${n.message}`);
  if (plan.index && plan.charts.length)
    lines.push(`  index   ${plan.index.branch}:${plan.index.path} (${plan.charts.length} version${plan.charts.length === 1 ? '' : 's'}, after publishing)`);
  if (plan.charts.length) {
    const signing = plan.signing.mode === 'none' ? 'unsigned' : `signing ${plan.signing.mode}${plan.signing.identity ? ` as ${plan.signing.identity}` : ''}`;
    lines.push(`  ${signing}; make-latest ${plan.makeLatest}; lineage ${plan.pullRequest ? `PR #${plan.pullRequest.number}` : 'without a pull request'}`);
    lines.push(`  ${plan.writes.length} write${plan.writes.length === 1 ? '' : 's'}: ${summarizeWrites(plan.writes)}`);
    const github = plan.writes.filter((w) => w.system === 'github').length;
    if (github)
      lines.push(
        `  ${github} GitHub write${github === 1 ? '' : 's'}: at least ${formatDuration(writeBudgetDuration(github))} within GitHub's limits (80 a minute, 500 an hour, a second apart)`,
      );
  }
  return `${lines.join('\n')}\n`;
}

/** `LICENSE (repository's)`, `CHANGELOG.md (generated from commits)`; the chart's own and the run's files by name. */
function assetLabel(asset: PlannedAsset): string {
  if (asset.origin === 'repository') return `${asset.name} (repository's)`;
  if (asset.origin === 'annotation') return `${asset.name} (generated from artifacthub.io/changes)`;
  if (asset.origin === 'commits') return `${asset.name} (generated from commits)`;
  return asset.name;
}

function summarizeWrites(writes: PlannedWrite[]): string {
  const counts = new Map<string, number>();
  for (const w of writes) counts.set(`${w.system} ${w.kind}`, (counts.get(`${w.system} ${w.kind}`) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
}

/** `1 h 6 min 39 s`, `8 min 0 s`, `12 s`. */
function formatDuration(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const [h, m, sec] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  return h ? `${h} h ${m} min ${sec} s` : m ? `${m} min ${sec} s` : `${sec} s`;
}
