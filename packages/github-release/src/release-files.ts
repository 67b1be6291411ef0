import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chartCommitsSince } from './chart-commits.ts';
import { parseArtifactHubChanges, renderGeneratedChangelog } from './generated-changelog.ts';

/** The release files a chart's folder (or its repository) supplies, besides what the run makes. */
export type SourceFileKind = 'changelog' | 'readme' | 'license';

/** Whether an asset kind is one a chart's folder (or its repository) supplies: for `ownOnly` from required kinds. */
export const isSourceFileKind = (kind: string): kind is SourceFileKind => kind === 'changelog' || kind === 'readme' || kind === 'license';

/** Where a release file comes from: the chart folder, the repository root, or generated from the chart's changes. */
export type SourceFileOrigin = 'chart' | 'repository' | 'annotation' | 'commits';

/** A chart's CHANGELOG, README and LICENSE: the file each is read from, and its origin. */
export interface ReleaseSourceFiles {
  files: Partial<Record<SourceFileKind, string>>;
  origins: Partial<Record<SourceFileKind, SourceFileOrigin>>;
}

/** License files looked for, in this order, in the chart folder and then at the repository root. */
export const LICENSE_FILES = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'COPYING'] as const;

export interface ResolveReleaseSourceFilesInput {
  chart: { name: string; version: string; annotations?: Record<string, string> };
  /** Absolute chart folder, and the folder relative to the repository root (named in a generated CHANGELOG). */
  chartDir: string;
  chartPath: string;
  /** Absolute repository root (where a repository-wide LICENSE lives). */
  repositoryRoot: string;
  /** The chart's release tags (`releaseTagGlob`), this release's tag and the previous version's. */
  tagGlob: string;
  currentTag: string;
  previousTag?: string;
  head?: string;
  /** Folder a generated CHANGELOG.md is written into (one per chart: the asset is named by the file). */
  outDir: string;
  /** Kinds the repository demands from the chart folder itself (`release.requiredAssets`): no fallback for them. */
  ownOnly?: readonly SourceFileKind[];
}

/**
 * Finds a chart's release files: its own CHANGELOG.md, README.md and LICENSE (LICENSE.md, LICENSE.txt, COPYING);
 * without a license, the repository root's; without a CHANGELOG, one generated into `outDir` from the
 * `artifacthub.io/changes` annotation, else from the commits that touched the chart folder since its previous release
 * tag. A README has no substitute. Kinds in `ownOnly` are the chart folder's or absent.
 */
export async function resolveReleaseSourceFiles(input: ResolveReleaseSourceFilesInput): Promise<ReleaseSourceFiles> {
  const own = new Set(input.ownOnly ?? []);
  const result: ReleaseSourceFiles = { files: {}, origins: {} };
  const set = (kind: SourceFileKind, file: string | undefined, origin: SourceFileOrigin) => {
    if (!file) return false;
    result.files[kind] = file;
    result.origins[kind] = origin;
    return true;
  };
  set('readme', await firstFile(input.chartDir, ['README.md']), 'chart');
  if (!set('license', await firstFile(input.chartDir, LICENSE_FILES), 'chart') && !own.has('license'))
    set('license', await firstFile(input.repositoryRoot, LICENSE_FILES), 'repository');
  if (!set('changelog', await firstFile(input.chartDir, ['CHANGELOG.md']), 'chart') && !own.has('changelog')) {
    const changes = parseArtifactHubChanges(input.chart.annotations?.['artifacthub.io/changes']);
    const text = changes
      ? renderGeneratedChangelog(input.chart, { from: 'annotation', changes })
      : renderGeneratedChangelog(input.chart, {
          from: 'commits',
          chartPath: input.chartPath,
          ...(await chartCommitsSince(input.chartDir, {
            tagGlob: input.tagGlob,
            currentTag: input.currentTag,
            previousTag: input.previousTag,
            head: input.head,
          })),
        });
    await mkdir(input.outDir, { recursive: true });
    const file = join(input.outDir, 'CHANGELOG.md');
    await writeFile(file, text);
    set('changelog', file, changes ? 'annotation' : 'commits');
  }
  return result;
}

async function firstFile(dir: string, names: readonly string[]): Promise<string | undefined> {
  for (const name of names) {
    const path = join(dir, name);
    if ((await stat(path).catch(() => undefined))?.isFile()) return path;
  }
  return undefined;
}
