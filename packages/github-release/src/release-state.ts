import { ReleaseError } from '@chart-release/core';
import type { PlannedAsset } from './assets.ts';

/** A release asset as GitHub lists it. */
export interface ExistingAsset {
  id: number;
  name: string;
  size: number;
  /** `sha256:<hex>` when GitHub reports it (github.com since 2025); null on older servers. */
  digest: string | null;
  /** `uploaded`, or `open`/`starter` for an upload that never finished. */
  state: string;
  contentType: string;
  /** `browser_download_url`: where consumers download it (under the tag once the release is published). */
  downloadUrl?: string;
}

/** A release as GitHub lists it, reduced to what assembling a release needs. */
export interface ExistingRelease {
  id: number;
  tag: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  targetCommitish: string;
  htmlUrl: string;
  uploadUrl: string;
  assets: ExistingAsset[];
  /** When it was published; null for a draft. */
  publishedAt?: string | null;
}

/** What a chart's release should look like. */
export interface DesiredRelease {
  tag: string;
  name: string;
  body: string;
  prerelease: boolean;
  targetCommitish: string;
}

export type ReleaseDecision =
  | { action: 'create' }
  | { action: 'reuse-draft'; release: ExistingRelease; update: boolean }
  | { action: 'exists'; release: ExistingRelease }
  | { action: 'verify-package'; release: ExistingRelease; asset: ExistingAsset };

/**
 * What to do for a chart whose release should be `desired`: create a draft, reuse this run's draft (updating it
 * when its fields differ), or leave a published release alone when it holds the same package. A published
 * release with a different or no package is RELEASE_IMMUTABLE; one whose package digest GitHub does not
 * report must be downloaded and compared (`verify-package`).
 */
export function decideRelease(chart: string, existing: ExistingRelease | undefined, desired: DesiredRelease, pkg: PlannedAsset): ReleaseDecision {
  if (!existing) return { action: 'create' };
  if (existing.draft) return { action: 'reuse-draft', release: existing, update: releaseDiffers(existing, desired) };
  const asset = existing.assets.find((a) => a.name === pkg.name && a.state === 'uploaded');
  if (!asset) {
    throw immutableError(chart, existing, pkg, `the published release ${existing.tag} has no asset ${pkg.name}`);
  }
  if (asset.size !== pkg.size) throw immutableError(chart, existing, pkg, `the published ${pkg.name} is ${asset.size} bytes, the new package ${pkg.size}`);
  if (asset.digest === null) return { action: 'verify-package', release: existing, asset };
  if (asset.digest !== pkg.sha256) throw immutableError(chart, existing, pkg, `the published ${pkg.name} is ${asset.digest}, the new package ${pkg.sha256}`);
  return { action: 'exists', release: existing };
}

/** The RELEASE_IMMUTABLE error for a published release whose package is not this one. */
export function immutableError(chart: string, release: ExistingRelease, pkg: PlannedAsset, why: string): ReleaseError {
  return new ReleaseError('RELEASE_IMMUTABLE', `${release.tag} is already published with a different package: ${why}.`, {
    chart,
    file: pkg.path,
    hint: `published releases are never changed; bump the chart version in Chart.yaml (or delete release ${release.tag} on purpose if it was published by mistake).`,
    details: { tag: release.tag, releaseUrl: release.htmlUrl, package: pkg.name, localDigest: pkg.sha256 },
  });
}

/** True when a draft's title, notes, prerelease flag or target differ from what this run wants. */
export function releaseDiffers(existing: ExistingRelease, desired: DesiredRelease): boolean {
  const text = (s: string | null) => (s ?? '').replace(/\r\n?/g, '\n').trim();
  return (
    text(existing.name) !== text(desired.name) ||
    text(existing.body) !== text(desired.body) ||
    existing.prerelease !== desired.prerelease ||
    existing.targetCommitish !== desired.targetCommitish
  );
}

export type AssetAction =
  | { action: 'keep'; planned: PlannedAsset; existing: ExistingAsset }
  | { action: 'upload'; planned: PlannedAsset }
  | { action: 'replace'; planned: PlannedAsset; existing: ExistingAsset; reason: string }
  | { action: 'delete'; existing: ExistingAsset; reason: string }
  | { action: 'leave'; existing: ExistingAsset; reason: string };

/**
 * The asset changes that turn a draft's `existing` assets into `planned`: same name with the same size and
 * sha256 is kept, anything else with that name is replaced, an unfinished upload is redone, and an asset this
 * run does not plan is deleted when it is one chart-release makes (`ours`), so the draft holds this run's files;
 * one somebody attached by hand (an SBOM, say) is left in place. Only ever applied to drafts.
 */
export function decideAssets(existing: ExistingAsset[], planned: PlannedAsset[], ours: (name: string) => boolean = () => true): AssetAction[] {
  const actions: AssetAction[] = [];
  const byName = new Map(existing.map((a) => [a.name, a]));
  for (const asset of planned) {
    const current = byName.get(asset.name);
    byName.delete(asset.name);
    if (!current) actions.push({ action: 'upload', planned: asset });
    else if (current.state !== 'uploaded')
      actions.push({ action: 'replace', planned: asset, existing: current, reason: `its upload never finished (state ${current.state})` });
    else if (current.size !== asset.size)
      actions.push({ action: 'replace', planned: asset, existing: current, reason: `size ${current.size} -> ${asset.size}` });
    else if (current.digest === null) actions.push({ action: 'replace', planned: asset, existing: current, reason: 'GitHub reports no digest to compare' });
    else if (current.digest !== asset.sha256)
      actions.push({ action: 'replace', planned: asset, existing: current, reason: `${current.digest} -> ${asset.sha256}` });
    else actions.push({ action: 'keep', planned: asset, existing: current });
  }
  for (const stale of byName.values()) {
    actions.push(
      ours(stale.name)
        ? { action: 'delete', existing: stale, reason: 'not part of this release any more' }
        : { action: 'leave', existing: stale, reason: 'not made by chart-release: left in place' },
    );
  }
  return actions;
}

/**
 * Whether an asset name is one chart-release attaches to a release of `chart`: its package (`<chart>-<version>.tgz`),
 * signature and bundle, its lineage, and the chart's CHANGELOG, README and LICENSE files.
 */
export function isChartReleaseAsset(chart: string, name: string): boolean {
  if (name === `${chart}-attestation-lineage.json`) return true;
  if (name.startsWith(`${chart}-`) && /\.tgz(?:\.sig|\.sigstore\.json)?$/.test(name)) return true;
  return /^(?:CHANGELOG|README|LICEN[CS]E)(?:\.[A-Za-z0-9]+)?$/i.test(name);
}
