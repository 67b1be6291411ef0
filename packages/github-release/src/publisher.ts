import { AggregateReleaseError, ReleaseError, silentLogger, type Logger } from '@chart-release/core';
import type { PlannedAsset } from './assets.ts';
import { deleteAsset, downloadDigest, listAssets, uploadAsset } from './asset-transfer.ts';
import { describeGitHubError, formatRepository, parseRepository, type GitHubClient, type RepositoryRef } from '@chart-release/github-client';
import { ReleaseIndex, toExistingRelease } from './release-index.ts';
import {
  decideAssets,
  decideRelease,
  immutableError,
  isChartReleaseAsset,
  type AssetAction,
  type DesiredRelease,
  type ExistingAsset,
  type ExistingRelease,
} from './release-state.ts';
import { isPrerelease, releaseTitle } from '@chart-release/chart-metadata';

/** GitHub's `make_latest`: 'legacy' lets GitHub pick by date and semver. */
export type MakeLatest = 'true' | 'false' | 'legacy';

/** 'false' when the repository holds several charts (one chart's release must not become the repository's latest), else 'true'. */
export function defaultMakeLatest(chartsInRepository: number): MakeLatest {
  return chartsInRepository > 1 ? 'false' : 'true';
}

export interface AssembleReleaseInput {
  /** The run's listing (`listExistingReleases`); updated with what this call creates. */
  existing: ReleaseIndex;
  chart: string;
  version: string;
  tag: string;
  /** Default `<chart>: v<version>`. */
  title?: string;
  /** The release commit: the tag is created there when the draft is published. */
  targetCommitish: string;
  notes: string;
  assets: PlannedAsset[];
  /** Default: whether `version` is a semver prerelease. */
  prerelease?: boolean;
  /** Applied when the release is published. */
  makeLatest?: MakeLatest;
  /** Decide and report, but write nothing. */
  dryRun?: boolean;
}

export type AssetOutcome = { name: string; action: 'uploaded' | 'replaced' | 'kept' | 'deleted'; size: number; sha256?: string; reason?: string };

/** A chart's release after `assembleRelease`: a draft ready to publish, or an identical published release. */
export interface AssembledRelease {
  repository: RepositoryRef;
  chart: string;
  version: string;
  tag: string;
  /** null only for a release a dry run would create. */
  releaseId: number | null;
  htmlUrl: string | null;
  draft: boolean;
  /** created: new draft; updated: this run's draft changed; unchanged: draft already complete; exists: published with the same package. */
  status: 'created' | 'updated' | 'unchanged' | 'exists';
  prerelease: boolean;
  makeLatest?: MakeLatest;
  assets: AssetOutcome[];
  warnings: string[];
  dryRun: boolean;
}

export interface PublishedRelease {
  chart: string;
  tag: string;
  releaseId: number;
  htmlUrl: string;
  /** false when it was already published before this call. */
  published: boolean;
}

/**
 * Assembles one GitHub release per chart within a small request budget: one listing per run, then per chart one
 * create (or nothing for a complete draft), one upload per new asset, one publish.
 */
export class ReleasePublisher {
  readonly octokit: GitHubClient;
  readonly logger: Logger;
  /** Requests this publisher made (retries not counted). */
  requests = 0;
  readonly #published = new Set<number>();

  constructor(options: { octokit: GitHubClient; logger?: Logger }) {
    this.octokit = options.octokit;
    this.logger = options.logger ?? silentLogger;
    this.octokit.hook.before('request', () => {
      this.requests++;
    });
  }

  /** Lists every release of `repository` (drafts included, 100 per page); call once per run. */
  async listExistingReleases(repository: string | RepositoryRef): Promise<ReleaseIndex> {
    const repo = typeof repository === 'string' ? parseRepository(repository) : repository;
    const releases = await this.octokit.paginate(this.octokit.rest.repos.listReleases, { ...repo, per_page: 100 }).catch((error: unknown) => {
      throw describeGitHubError(error, { doing: `listing the releases of ${formatRepository(repo)}`, permission: 'contents: write' });
    });
    this.logger.debug(`${formatRepository(repo)} has ${releases.length} releases`);
    return new ReleaseIndex(repo, releases.map(toExistingRelease));
  }

  /** Makes the chart's draft release hold exactly `assets` and these notes; see the README for every case. */
  async assembleRelease(input: AssembleReleaseInput): Promise<AssembledRelease> {
    try {
      return await this.#assemble(input);
    } catch (error) {
      throw describeGitHubError(error, { doing: `assembling the release ${input.tag}`, chart: input.chart, permission: 'contents: write' });
    }
  }

  async #assemble(input: AssembleReleaseInput): Promise<AssembledRelease> {
    const { existing, chart, tag } = input;
    const repo = existing.repository;
    const pkg = input.assets.find((a) => a.kind === 'package');
    if (!pkg)
      throw new ReleaseError('ASSET_MISSING', `no package asset for ${tag}.`, {
        chart,
        hint: 'plan the assets with planReleaseAssets and fix its errors first.',
      });
    const prerelease = input.prerelease ?? isPrerelease(input.version);
    const desired: DesiredRelease = {
      tag,
      name: input.title ?? releaseTitle({ name: chart, version: input.version }),
      body: input.notes,
      prerelease,
      targetCommitish: input.targetCommitish,
    };
    const result: AssembledRelease = {
      repository: repo,
      chart,
      version: input.version,
      tag,
      releaseId: null,
      htmlUrl: null,
      draft: true,
      status: 'unchanged',
      prerelease,
      makeLatest: input.makeLatest,
      assets: [],
      warnings: existing.extraDrafts(tag).map((d) => `another draft release (id ${d.id}) also uses tag ${tag}; it is left alone.`),
      dryRun: Boolean(input.dryRun),
    };
    const decision = decideRelease(chart, existing.get(tag), desired, pkg);
    if (decision.action === 'exists' || decision.action === 'verify-package') {
      if (decision.action === 'verify-package') {
        const digest = await downloadDigest(this.octokit, repo, decision.asset.id, chart);
        if (digest !== pkg.sha256) throw immutableError(chart, decision.release, pkg, `the published ${pkg.name} is ${digest}, the new package ${pkg.sha256}`);
      }
      this.logger.debug(`${tag}: already published with the same package (${decision.release.htmlUrl})`);
      return { ...result, releaseId: decision.release.id, htmlUrl: decision.release.htmlUrl, draft: false, status: 'exists' };
    }
    let release: ExistingRelease | undefined = decision.action === 'reuse-draft' ? decision.release : undefined;
    if (input.dryRun) {
      const actions = decideAssets(release?.assets ?? [], input.assets, (name) => isChartReleaseAsset(input.chart, name));
      const changed = !release || (decision.action === 'reuse-draft' && decision.update) || actions.some((a) => a.action !== 'keep' && a.action !== 'leave');
      return {
        ...result,
        releaseId: release?.id ?? null,
        htmlUrl: release?.htmlUrl ?? null,
        status: !release ? 'created' : changed ? 'updated' : 'unchanged',
        assets: actions.map(outcome),
      };
    }
    let status: AssembledRelease['status'] = 'unchanged';
    if (!release) {
      release = await this.#createDraft(repo, desired, chart);
      status = 'created';
    } else if (decision.action === 'reuse-draft' && decision.update) {
      const { data } = await this.octokit.rest.repos.updateRelease({
        ...repo,
        release_id: release.id,
        name: desired.name,
        body: desired.body,
        prerelease,
        target_commitish: desired.targetCommitish,
        draft: true,
      });
      release = toExistingRelease(data);
      status = 'updated';
    }
    existing.remember(release);
    const assets = await this.#syncAssets(repo, release, input.assets, chart);
    if (status === 'unchanged' && assets.some((a) => a.action !== 'kept')) status = 'updated';
    existing.remember({
      ...release,
      assets: assets
        .filter((a) => a.action !== 'deleted')
        .map((a) => a.existing!)
        .filter(Boolean),
    });
    this.logger.debug(
      `${tag}: draft ${status} (${assets.filter((a) => a.action === 'uploaded' || a.action === 'replaced').length} uploaded, ${assets.filter((a) => a.action === 'kept').length} kept)`,
    );
    return { ...result, releaseId: release.id, htmlUrl: release.htmlUrl, status, assets: assets.map(({ existing: _e, ...a }) => a) };
  }

  /** Publishes every draft (draft:false, creating its tag) in one pass; failures are collected, not stopping the rest. */
  async publishReleases(drafts: AssembledRelease[], options: { makeLatest?: MakeLatest } = {}): Promise<PublishedRelease[]> {
    const published: PublishedRelease[] = [];
    const failures: ReleaseError[] = [];
    for (const draft of drafts) {
      if (draft.releaseId === null || draft.dryRun) continue;
      if (!draft.draft) {
        published.push({ chart: draft.chart, tag: draft.tag, releaseId: draft.releaseId, htmlUrl: draft.htmlUrl!, published: false });
        continue;
      }
      // GitHub refuses a prerelease as latest
      const makeLatest = draft.prerelease ? 'false' : (options.makeLatest ?? draft.makeLatest ?? 'false');
      try {
        const { data } = await this.octokit.rest.repos.updateRelease({
          ...draft.repository,
          release_id: draft.releaseId,
          draft: false,
          make_latest: makeLatest,
        });
        this.#published.add(draft.releaseId);
        published.push({ chart: draft.chart, tag: draft.tag, releaseId: data.id, htmlUrl: data.html_url, published: true });
        this.logger.info(`${draft.tag}: published ${data.html_url}`);
      } catch (error) {
        const cause = describeGitHubError(error, { doing: `publishing the draft release ${draft.tag}`, chart: draft.chart, permission: 'contents: write' });
        failures.push(
          new ReleaseError('PUBLISH_FAILED', cause.message, {
            chart: draft.chart,
            cause: error,
            // a refused token or a refused request fails the same way again: its own fix; anything else a re-run finishes
            hint: ['GITHUB_AUTH_FAILED', 'GITHUB_REQUEST_REJECTED'].includes(cause.code)
              ? cause.hint
              : 're-run: drafts already published are left as they are and the rest are published.',
            details: { cause: cause.code, ...cause.details },
          }),
        );
      }
    }
    if (failures.length)
      throw new AggregateReleaseError(failures, `${failures.length} of ${drafts.length} releases could not be published (${published.length} were)`);
    return published;
  }

  /** Deletes this run's drafts (rollback of a failed run); never a release that is published. Returns the tags deleted. */
  async deleteDrafts(drafts: AssembledRelease[]): Promise<string[]> {
    const deleted: string[] = [];
    for (const draft of drafts) {
      if (draft.releaseId === null || draft.dryRun || !draft.draft || this.#published.has(draft.releaseId)) continue;
      try {
        await this.octokit.rest.repos.deleteRelease({ ...draft.repository, release_id: draft.releaseId });
      } catch (error) {
        if ((error as { status?: number }).status !== 404)
          throw describeGitHubError(error, { doing: `deleting the draft release ${draft.tag}`, chart: draft.chart, permission: 'contents: write' });
      }
      deleted.push(draft.tag);
      this.logger.info(`${draft.tag}: draft deleted`);
    }
    return deleted;
  }

  // POST /releases is not idempotent: after an ambiguous failure look for the draft before creating another
  async #createDraft(repo: RepositoryRef, desired: DesiredRelease, chart: string): Promise<ExistingRelease> {
    const create = (retries?: number) =>
      this.octokit.rest.repos.createRelease({
        ...repo,
        tag_name: desired.tag,
        target_commitish: desired.targetCommitish,
        name: desired.name,
        body: desired.body,
        draft: true,
        prerelease: desired.prerelease,
        ...(retries === undefined ? {} : { request: { retries } }),
      });
    try {
      return toExistingRelease((await create(0)).data);
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status !== undefined && status < 500)
        throw describeGitHubError(error, { doing: `creating the draft release ${desired.tag}`, chart, permission: 'contents: write' });
      this.logger.warn(`${desired.tag}: creating the draft failed (${(error as Error).message}); checking whether it was created before retrying`);
      const { data } = await this.octokit.rest.repos.listReleases({ ...repo, per_page: 100 });
      const found = data.find((r) => r.draft && r.tag_name === desired.tag);
      if (found) return toExistingRelease(found);
      return toExistingRelease((await create()).data);
    }
  }

  async #syncAssets(
    repo: RepositoryRef,
    release: ExistingRelease,
    planned: PlannedAsset[],
    chart: string,
  ): Promise<(AssetOutcome & { existing?: ExistingAsset })[]> {
    const out: (AssetOutcome & { existing?: ExistingAsset })[] = [];
    for (const action of decideAssets(release.assets, planned, (name) => isChartReleaseAsset(chart, name))) {
      if (action.action === 'keep' || action.action === 'leave') {
        out.push({ ...outcome(action), existing: action.existing });
      } else if (action.action === 'delete') {
        await deleteAsset(this.octokit, repo, action.existing.id);
        out.push(outcome(action));
      } else {
        if (action.action === 'replace') await deleteAsset(this.octokit, repo, action.existing.id);
        const uploaded = await this.#upload(repo, release, action.planned, chart);
        out.push({ ...outcome(action), existing: uploaded });
      }
    }
    return out;
  }

  async #upload(repo: RepositoryRef, release: ExistingRelease, asset: PlannedAsset, chart: string): Promise<ExistingAsset> {
    let uploaded: ExistingAsset;
    try {
      uploaded = await uploadAsset(this.octokit, release.uploadUrl, asset);
    } catch (error) {
      // a retried upload whose first attempt landed: look at what is there now
      if ((error as { status?: number }).status !== 422)
        throw describeGitHubError(error, { doing: `uploading ${asset.name} to ${release.tag}`, chart, permission: 'contents: write' });
      const current = (await listAssets(this.octokit, repo, release.id)).find((a) => a.name === asset.name);
      if (!current) throw describeGitHubError(error, { doing: `uploading ${asset.name} to ${release.tag}`, chart, permission: 'contents: write' });
      const [again] = decideAssets([current], [asset]);
      if (again!.action === 'keep') return current;
      await deleteAsset(this.octokit, repo, current.id);
      uploaded = await uploadAsset(this.octokit, release.uploadUrl, asset);
    }
    if (uploaded.digest && uploaded.digest !== asset.sha256) {
      throw new ReleaseError('ASSET_CORRUPTED', `GitHub stored ${asset.name} with digest ${uploaded.digest}, but the file is ${asset.sha256}.`, {
        chart,
        file: asset.path,
        hint: 'the file changed during the upload or was damaged on the way; re-run to upload it again.',
      });
    }
    return uploaded;
  }
}

function outcome(action: AssetAction): AssetOutcome {
  switch (action.action) {
    case 'keep':
      return { name: action.planned.name, action: 'kept', size: action.planned.size, sha256: action.planned.sha256 };
    case 'upload':
      return { name: action.planned.name, action: 'uploaded', size: action.planned.size, sha256: action.planned.sha256 };
    case 'replace':
      return { name: action.planned.name, action: 'replaced', size: action.planned.size, sha256: action.planned.sha256, reason: action.reason };
    case 'delete':
      return { name: action.existing.name, action: 'deleted', size: action.existing.size, reason: action.reason };
    case 'leave':
      return { name: action.existing.name, action: 'kept', size: action.existing.size, reason: action.reason };
  }
}
