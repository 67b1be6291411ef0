import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ReleaseError } from '@chart-release/core';
import { ASSET_KINDS, type AssetKind } from './asset-kinds.ts';
import { contentTypeFor } from './content-type.ts';

export { ASSET_KINDS, type AssetKind } from './asset-kinds.ts';

/** Paths of a chart's release files; absent kinds are not attached. */
export type ReleaseFiles = Partial<Record<AssetKind, string>>;

/** One file to attach to a release, with what is needed to upload and compare it. */
export interface PlannedAsset {
  kind: AssetKind;
  /** The asset's name on the release. */
  name: string;
  path: string;
  contentType: string;
  size: number;
  /** `sha256:<hex>`, as GitHub reports an asset's `digest`. */
  sha256: string;
}

export interface AssetPlan {
  chart: string;
  assets: PlannedAsset[];
  /** Missing required files and other problems: the release cannot be assembled. */
  errors: ReleaseError[];
  /** Optional files that are missing and will be skipped. */
  warnings: ReleaseError[];
}

export interface PlanReleaseAssetsInput {
  chart: string;
  files: ReleaseFiles;
  /** Kinds that must be present (default: only the package). */
  required?: readonly AssetKind[];
  /** The setting that makes the chart's own files required (`release.requiredAssets in .chart-release.yaml`), named in errors. */
  requiredBy?: string;
}

/**
 * Checks and describes the files of a chart's release before anything is written: name, content type, size and
 * sha256 of each, every missing required file as an ASSET_MISSING error, every missing optional one as a warning.
 */
export async function planReleaseAssets(input: PlanReleaseAssetsInput): Promise<AssetPlan> {
  const { chart, files, requiredBy } = input;
  const required = new Set<AssetKind>(input.required ?? ['package']);
  const plan: AssetPlan = { chart, assets: [], errors: [], warnings: [] };
  for (const kind of required) {
    if (!ASSET_KINDS.includes(kind)) {
      plan.errors.push(
        new ReleaseError('ASSET_KIND_UNKNOWN', `required asset '${kind}' is not a known kind.`, { chart, hint: `use one of ${ASSET_KINDS.join(', ')}.` }),
      );
    }
  }
  for (const kind of ASSET_KINDS) {
    const path = files[kind];
    if (!path) {
      if (required.has(kind)) {
        plan.errors.push(
          new ReleaseError('ASSET_MISSING', `no ${kind} file was given, and the ${kind} is a required release asset${requiredBy ? ` (${requiredBy})` : ''}.`, {
            chart,
            hint: hintFor(kind, requiredBy),
          }),
        );
      }
      continue;
    }
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) {
      const problem = new ReleaseError(
        required.has(kind) ? 'ASSET_MISSING' : 'ASSET_SKIPPED',
        `${kind} file ${path} ${info ? 'is not a file' : 'does not exist'}${required.has(kind) ? (requiredBy ? `, and ${requiredBy} lists ${kind}` : '') : '; the release goes out without it'}.`,
        { chart, file: path, hint: hintFor(kind, required.has(kind) ? requiredBy : undefined) },
      );
      (required.has(kind) ? plan.errors : plan.warnings).push(problem);
      continue;
    }
    const name = assetName(kind, chart, path);
    plan.assets.push({ kind, name, path, contentType: contentTypeFor(name), size: info.size, sha256: await sha256OfFile(path) });
  }
  const pkg = plan.assets.find((a) => a.kind === 'package');
  if (pkg && !pkg.name.endsWith('.tgz')) {
    plan.errors.push(
      new ReleaseError('ASSET_INVALID', `package ${pkg.path} is not a .tgz chart archive.`, {
        chart,
        file: pkg.path,
        hint: 'pass the file helm package wrote.',
      }),
    );
  }
  const seen = new Map<string, PlannedAsset>();
  for (const asset of plan.assets) {
    const other = seen.get(asset.name);
    if (other) {
      plan.errors.push(
        new ReleaseError('ASSET_NAME_CONFLICT', `${other.kind} ${other.path} and ${asset.kind} ${asset.path} would both be attached as ${asset.name}.`, {
          chart,
          file: asset.path,
          hint: 'rename one of the files.',
        }),
      );
    }
    seen.set(asset.name, asset);
  }
  return plan;
}

/** The asset name of a file: the lineage always as `<chart>-attestation-lineage.json`, others by file name. */
export function assetName(kind: AssetKind, chart: string, path: string): string {
  return kind === 'lineage' ? `${chart}-attestation-lineage.json` : basename(path);
}

/** `sha256:<hex>` of a file, read as a stream. */
export async function sha256OfFile(path: string): Promise<string> {
  // loaded here: node:crypto costs a quarter of Node's start
  const { createHash } = await import('node:crypto');
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

function hintFor(kind: AssetKind, requiredBy?: string): string {
  switch (kind) {
    case 'package':
      return 'run helm package first, or pass the path of the .tgz.';
    case 'signature':
    case 'bundle':
      return "sign the package first, or set signing to 'none' if the release should go out unsigned.";
    case 'lineage':
      return 'produce the attestation lineage first, or make the lineage asset optional.';
    default: {
      const file = kind === 'license' ? 'LICENSE' : `${kind.toUpperCase()}.md`;
      const instead =
        kind === 'changelog'
          ? " (a CHANGELOG is then generated from the chart's changes)"
          : kind === 'license'
            ? " (the repository's LICENSE is then used)"
            : '';
      return `add ${file} to the chart folder, or remove ${kind} from ${requiredBy ?? 'the required release assets'}${instead}.`;
    }
  }
}
