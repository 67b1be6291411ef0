import type { RepositoryRef } from '@chart-release/github-client';
import type { ExistingAsset, ExistingRelease } from './release-state.ts';

interface ApiAsset {
  id: number;
  name: string;
  size: number;
  digest?: string | null;
  state: string;
  content_type: string;
  browser_download_url?: string;
}

interface ApiRelease {
  id: number;
  tag_name: string;
  name: string | null;
  body?: string | null;
  draft: boolean;
  prerelease: boolean;
  target_commitish: string;
  html_url: string;
  upload_url: string;
  published_at?: string | null;
  assets: ApiAsset[];
}

export function toExistingAsset(asset: ApiAsset): ExistingAsset {
  return {
    id: asset.id,
    name: asset.name,
    size: asset.size,
    digest: asset.digest ?? null,
    state: asset.state,
    contentType: asset.content_type,
    downloadUrl: asset.browser_download_url,
  };
}

export function toExistingRelease(release: ApiRelease): ExistingRelease {
  return {
    id: release.id,
    tag: release.tag_name,
    name: release.name,
    body: release.body ?? null,
    draft: release.draft,
    prerelease: release.prerelease,
    targetCommitish: release.target_commitish,
    htmlUrl: release.html_url,
    uploadUrl: release.upload_url,
    assets: release.assets.map(toExistingAsset),
    publishedAt: release.published_at ?? null,
  };
}

/**
 * Every release of a repository, listed once per run and looked up by tag, so a 100-chart release costs one
 * paginated listing instead of 100 lookups. Drafts have no git tag yet, so only a listing finds them.
 */
export class ReleaseIndex {
  readonly repository: RepositoryRef;
  readonly #byTag = new Map<string, ExistingRelease[]>();

  constructor(repository: RepositoryRef, releases: ExistingRelease[]) {
    this.repository = repository;
    for (const release of releases) this.remember(release);
  }

  /** The release for `tag`: the published one if there is one, else the oldest draft. */
  get(tag: string): ExistingRelease | undefined {
    const all = this.#byTag.get(tag) ?? [];
    return all.find((r) => !r.draft) ?? [...all].sort((a, b) => a.id - b.id)[0];
  }

  /** Every draft for `tag`, oldest first. */
  drafts(tag: string): ExistingRelease[] {
    return (this.#byTag.get(tag) ?? []).filter((r) => r.draft).sort((a, b) => a.id - b.id);
  }

  /** Other drafts for `tag` than the one `get` returns (left by hand or by an interrupted run). */
  extraDrafts(tag: string): ExistingRelease[] {
    const chosen = this.get(tag);
    return (this.#byTag.get(tag) ?? []).filter((r) => r.draft && r !== chosen);
  }

  /** Records a release created or changed during this run, so later lookups see it. */
  remember(release: ExistingRelease): void {
    const others = (this.#byTag.get(release.tag) ?? []).filter((r) => r.id !== release.id);
    this.#byTag.set(release.tag, [...others, release]);
  }

  forget(releaseId: number): void {
    for (const [tag, releases] of this.#byTag)
      this.#byTag.set(
        tag,
        releases.filter((r) => r.id !== releaseId),
      );
  }

  /** Every published release (no drafts), oldest first. */
  published(): ExistingRelease[] {
    return [...this.#byTag.values()]
      .flat()
      .filter((r) => !r.draft)
      .sort((a, b) => a.id - b.id);
  }

  get size(): number {
    let n = 0;
    for (const releases of this.#byTag.values()) n += releases.length;
    return n;
  }
}
