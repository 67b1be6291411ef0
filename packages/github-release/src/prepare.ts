import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { AggregateReleaseError, type ReleaseError } from '@chart-release/core';
import { releaseTitle } from '@chart-release/chart-metadata';
import { planReleaseAssets, type AssetKind, type PlannedAsset, type ReleaseFiles } from './assets.ts';
import { extractChangelogSection, type ChangelogSection } from './changelog.ts';
import { commitsSincePreviousTag } from './chart-commits.ts';
import { lineageSummaryFromJson } from './lineage-summary.ts';
import { renderReleaseNotes, type ReleaseNotesInput, type SigningInfo } from './notes.ts';
import { defaultMakeLatest, type MakeLatest } from './publisher.ts';
import type { SourceFileOrigin } from './release-files.ts';

export interface PrepareChartReleaseInput {
  /** The chart as Chart.yaml describes it (`type: library` changes the notes' install snippet). */
  chart: ReleaseNotesInput['chart'];
  /** The chart folder: the commits that touched it are the notes' changes when its CHANGELOG has no section for the version. */
  chartDir: string;
  /** This release's tag, the glob of the chart's release tags (`releaseTagGlob`), and the release commit. */
  tag: string;
  tagGlob: string;
  head?: string;
  /** The release's files by kind (see `resolveReleaseSourceFiles` for a chart's CHANGELOG, README and LICENSE). */
  files: ReleaseFiles;
  /** Where the CHANGELOG came from: one generated from the commits says no more than the commit list, so it is not read. */
  changelogOrigin?: SourceFileOrigin;
  /** Kinds that must be present (default: only the package), and the setting that requires them, named in errors. */
  required?: readonly AssetKind[];
  requiredBy?: string;
  /**
   * The attestation lineage (`<chart>-attestation-lineage.json`), as a document or the JSON file to read once the
   * assets are checked, with its asset name; none: no lineage section in the notes.
   */
  lineage?: ({ document: unknown } | { file: string }) & { asset?: string };
  /** Where the chart was pushed (`ghcr.io/acme/charts`) and its manifest digest. */
  registry: string;
  digest: string;
  /** `owner/name` of the GitHub repository, and its web URL (GitHub Enterprise Server). */
  repository: string;
  serverUrl?: string;
  signing: SigningInfo;
  /** A user's release notes template file; the default template otherwise. */
  notesTemplateFile?: string;
  /** `make_latest` as asked; else decided by the number of charts in the repository (`defaultMakeLatest`). */
  makeLatest?: MakeLatest;
  chartsInRepository?: number;
  /** Receives each missing optional file (the release goes out without it). */
  log?: { warn(message: string, meta?: { file?: string }): void };
}

/** A chart's release, assembled and checked before anything is written to GitHub. */
export interface PreparedChartRelease {
  chart: string;
  version: string;
  tag: string;
  /** The release title, `<chart>: v<version>`. */
  name: string;
  /** Every file to attach, each with the path it is read from, its size and sha256. */
  assets: PlannedAsset[];
  /** The CHANGELOG section the notes show, or the commits they show instead. */
  changelog?: ChangelogSection;
  commits: { sha: string; subject: string }[];
  notes: string;
  makeLatest: MakeLatest;
  /** Optional files that are missing (already passed to `log`). */
  warnings: ReleaseError[];
}

/**
 * Assembles a chart's release the one way both `chart-github-release` and `chart-release publish` do: plans its
 * assets (every missing required file at once: one ReleaseError, or an AggregateReleaseError for several), takes the
 * CHANGELOG section for the version or else the commits since the chart's previous tag, summarises the lineage and
 * renders the notes.
 */
export async function prepareChartRelease(input: PrepareChartReleaseInput): Promise<PreparedChartRelease> {
  const { chart } = input;
  const plan = await planReleaseAssets({ chart: chart.name, files: input.files, required: input.required, requiredBy: input.requiredBy });
  for (const warning of plan.warnings) input.log?.warn(warning.message, { file: warning.file });
  if (plan.errors.length) throw plan.errors.length === 1 ? plan.errors[0]! : new AggregateReleaseError(plan.errors);

  const changelogFile = input.changelogOrigin === 'commits' ? undefined : input.files.changelog;
  const changelog = changelogFile && existsSync(changelogFile) ? extractChangelogSection(await readFile(changelogFile, 'utf8'), chart.version) : undefined;
  const commits = changelog?.body ? [] : await commitsSincePreviousTag(input.chartDir, input.tagGlob, input.tag, input.head ?? 'HEAD');
  const template = input.notesTemplateFile;
  const notes = renderReleaseNotes({
    chart,
    registry: input.registry,
    digest: input.digest,
    repository: input.repository,
    changelog,
    commits,
    lineage: input.lineage ? lineageSummaryFromJson(await lineageDocument(input.lineage), input.lineage.asset) : null,
    signing: input.signing,
    packageAsset: plan.assets.find((a) => a.kind === 'package')?.name,
    bundleAsset: plan.assets.find((a) => a.kind === 'bundle')?.name,
    serverUrl: input.serverUrl,
    template: template ? await readFile(template, 'utf8') : undefined,
    templateFile: template,
  });
  return {
    chart: chart.name,
    version: chart.version,
    tag: input.tag,
    name: releaseTitle(chart),
    assets: plan.assets,
    ...(changelog ? { changelog } : {}),
    commits,
    notes,
    makeLatest: input.makeLatest ?? defaultMakeLatest(input.chartsInRepository ?? 1),
    warnings: plan.warnings,
  };
}

async function lineageDocument(lineage: { document: unknown } | { file: string }): Promise<unknown> {
  return 'file' in lineage ? JSON.parse(await readFile(lineage.file, 'utf8')) : lineage.document;
}
