import { join, relative } from 'node:path';
import { ReleaseError, type Logger } from '@chart-release/core';
import { describeGitHubError } from '@chart-release/github-client';
import {
  decideRelease,
  planReleaseAssets,
  prepareChartRelease,
  releaseTagGlob,
  ReleasePublisher,
  type AssembledRelease,
  type GitHubClient,
  type ReleaseFiles,
  type ReleaseIndex,
  type RepositoryRef,
} from '@chart-release/github-release';
import type { ReleaseConfig } from '../config.ts';
import type { PlannedChart } from '../plan.ts';
import type { DraftedRelease, PlannedWrite, Problem, Stage } from '../stage.ts';

/** The GitHub release stage: preflight on the one listing of releases, a draft per chart, publish, clean-up. */
export function createReleaseStage(config: ReleaseConfig, gh: () => { octokit: GitHubClient; repo: RepositoryRef }, logger: Logger): Stage<'release'> {
  let publisher: ReleasePublisher | undefined;
  let index: Promise<ReleaseIndex> | undefined;
  const assembled = new Map<string, AssembledRelease>();
  const pub = () => (publisher ??= new ReleasePublisher({ octokit: gh().octokit, logger }));
  const listing = () => (index ??= pub().listExistingReleases(gh().repo));

  // a draft this process assembled, or one a matrix leg drafted (known by its recorded id)
  const assembledOf = (chart: PlannedChart, draft: DraftedRelease): AssembledRelease =>
    assembled.get(chart.name) ?? {
      repository: gh().repo,
      chart: chart.name,
      version: chart.version,
      tag: draft.tag,
      releaseId: draft.id,
      htmlUrl: draft.url,
      draft: draft.draft,
      status: 'unchanged',
      prerelease: chart.prerelease,
      assets: [],
      warnings: [],
      dryRun: false,
    };

  return {
    name: 'release',
    phase: 'chart',
    verb: 'releasing',
    writes: (plan) =>
      plan.charts.flatMap((c): PlannedWrite[] => [
        { stage: 'release', chart: c.name, system: 'github', kind: 'release', target: c.gitTag },
        ...c.assets.map((a): PlannedWrite => ({ stage: 'release', chart: c.name, system: 'github', kind: 'asset', target: `${c.gitTag}/${a.name}` })),
        { stage: 'release', chart: c.name, system: 'github', kind: 'publish', target: c.gitTag },
      ]),

    /** Token can write releases; no published release for a planned tag holds another package; source assets exist. */
    async preflight(plan, prepared) {
      const { octokit, repo } = gh();
      const problems: Problem[] = [];
      try {
        const { data } = await octokit.rest.repos.get({ owner: repo.owner, repo: repo.repo });
        if (data.permissions && !data.permissions.push) {
          problems.push(
            new ReleaseError('GITHUB_AUTH_FAILED', `the token cannot write to ${repo.owner}/${repo.repo}.`, {
              hint: 'give the job `permissions: contents: write`.',
            }),
          );
        }
      } catch (error) {
        return [
          describeGitHubError(error, {
            doing: `reading the repository ${repo.owner}/${repo.repo} at ${config.github.apiUrl}`,
            repository: `${repo.owner}/${repo.repo}`,
            permission: 'contents: write',
          }),
        ];
      }
      const existing = await listing();
      const requiredBy = `release.requiredAssets in ${config.configFile ? relative(config.cwd, config.configFile) : '.chart-release.yaml'}`;
      for (const chart of plan.charts) {
        // one warning per missing optional file (a CHANGELOG is always there: the chart's or a generated one)
        const missing = { changelog: 'no CHANGELOG.md in', readme: 'no README.md in', license: 'no LICENSE at the repository root nor in' } as const;
        for (const kind of ['changelog', 'readme', 'license'] as const)
          if (!chart.assets.some((a) => a.kind === kind))
            problems.push({ warning: `${missing[kind]} ${chart.path}; the release goes out without one.`, chart: chart.name });
        const pkg = prepared.get(chart.name)?.packaged;
        const fromCheckout = chart.assets.filter((a) => !a.producedBy);
        const assets = await planReleaseAssets({
          chart: chart.name,
          files: { ...(pkg ? { package: pkg.file } : {}), ...Object.fromEntries(fromCheckout.map((a) => [a.kind, a.source])) },
          required: [...(pkg ? (['package'] as const) : []), ...fromCheckout.filter((a) => a.required).map((a) => a.kind)],
          requiredBy,
        });
        problems.push(...assets.errors.map((e) => withRepoPath(e, chart)));
        problems.push(...assets.warnings.map((w) => ({ warning: w.message, chart: chart.name })));
        const packaged = assets.assets.find((a) => a.kind === 'package');
        if (!packaged) continue; // not packaged: packaging reported why
        try {
          decideRelease(
            chart.name,
            existing.get(chart.gitTag),
            { tag: chart.gitTag, name: chart.releaseTitle, body: '', prerelease: chart.prerelease, targetCommitish: plan.head },
            packaged,
          );
        } catch (error) {
          problems.push(error as ReleaseError);
        }
      }
      return problems;
    },

    /** Creates (or reuses) the chart's draft release with every planned asset. */
    async run(chart, { pushed, signed, lineage }, { plan, log }) {
      const prepared = await prepareChartRelease({
        chart: { name: chart.name, version: chart.version, appVersion: chart.appVersion, description: chart.description, type: chart.type },
        chartDir: chart.dir,
        tag: chart.gitTag,
        tagGlob: releaseTagGlob(config.release.tagTemplate, chart.name),
        head: plan.head,
        files: Object.fromEntries(chart.assets.map((a) => [a.kind, a.source])) as ReleaseFiles,
        // a CHANGELOG generated from commits says no more than the commit list the notes show
        changelogOrigin: chart.assets.find((a) => a.kind === 'changelog')?.origin,
        required: chart.assets.filter((a) => a.required || a.producedBy).map((a) => a.kind),
        lineage: { file: lineage!.file, asset: chart.assets.find((a) => a.kind === 'lineage')?.name },
        registry: config.registry,
        digest: pushed!.digest,
        repository: `${gh().repo.owner}/${gh().repo.repo}`,
        serverUrl: config.github.serverUrl,
        signing: {
          mode: signed!.mode === 'none' ? 'none' : signed!.mode === 'key' ? 'key' : 'keyless',
          certificateIdentity: plan.signing.identity,
          certificateIdentityRegexp: plan.signing.identityRegexp,
          certificateOidcIssuer: plan.signing.issuer,
        },
        notesTemplateFile: config.release.notesTemplate,
        makeLatest: plan.makeLatest,
        log,
      });
      const result = await pub().assembleRelease({
        existing: await listing(),
        chart: chart.name,
        version: chart.version,
        tag: prepared.tag,
        title: prepared.name,
        targetCommitish: plan.head,
        notes: prepared.notes,
        assets: prepared.assets,
        prerelease: chart.prerelease,
        makeLatest: prepared.makeLatest,
      });
      assembled.set(chart.name, result);
      log.info(releaseLine(result));
      return {
        chart: chart.name,
        id: result.releaseId!,
        tag: result.tag,
        url: result.htmlUrl ?? '',
        draft: result.draft,
        created: result.status === 'created',
      };
    },

    /**
     * A finished run's releases, from the one listing: each is published, under its id, with the package the run
     * recorded (by the digest GitHub reports for the asset, where it does).
     */
    async confirm(runs) {
      const existing = await listing();
      const confirmed = new Map<string, DraftedRelease>();
      for (const { chart, outputs } of runs) {
        const recorded = outputs.release;
        const release = existing.get(chart.gitTag);
        const packageName = chart.assets.find((a) => a.kind === 'package')?.name;
        const asset = release?.assets.find((a) => a.name === packageName && a.state === 'uploaded');
        const sha256 = outputs.packaged?.sha256;
        if (!recorded || !release || release.draft || release.id !== recorded.id || !asset || (asset.digest && asset.digest !== `sha256:${sha256}`)) continue;
        confirmed.set(chart.name, { ...recorded, draft: false, url: release.htmlUrl || recorded.url, created: false });
      }
      return confirmed;
    },

    /**
     * The recorded release, found in the one listing of releases by its id: still a draft or published since, with
     * the planned package asset on it; null when it is gone (the stage then runs again and drafts it anew).
     */
    async readBack({ chart }, recorded) {
      const existing = await listing();
      const found = [existing.get(chart.gitTag), ...existing.extraDrafts(chart.gitTag)].find((r) => r?.id === recorded.id);
      const packageAsset = chart.assets.find((a) => a.kind === 'package')!.name;
      if (!found || !found.assets.some((a) => a.name === packageAsset)) return null;
      return { ...recorded, draft: found.draft, url: found.htmlUrl ?? recorded.url, created: false };
    },

    /** Publishes the chart's draft (every chart's, one after another, once all got through). */
    async publish({ chart, outputs }, { plan }) {
      const draft = outputs.release;
      if (!draft?.draft) return undefined;
      const [published] = await pub().publishReleases([assembledOf(chart, draft)], { makeLatest: plan.makeLatest });
      return { ...draft, draft: false, url: published?.htmlUrl ?? draft.url };
    },

    /** Deletes the drafts this run made or found unpublished. */
    async abort(charts) {
      const drafts = charts.filter((c) => c.outputs.release?.draft === true);
      if (!drafts.length) return [];
      await pub().deleteDrafts(drafts.map((c) => assembledOf(c.chart, c.outputs.release!)));
      return drafts.map((c) => c.chart.name);
    },

    /**
     * Drafts of this plan (its tag, its head commit) for charts whose leg result never reached finalize: a leg
     * stopped after drafting, before its artifact was uploaded. Found in a fresh listing, deleted as abort does.
     */
    async sweep(charts, { plan }) {
      const existing = await pub().listExistingReleases(gh().repo);
      const strays = charts.flatMap((chart) =>
        existing
          .drafts(chart.gitTag)
          .filter((r) => r.targetCommitish === plan.head)
          .map((r) => ({ chart, release: r })),
      );
      if (!strays.length) return [];
      await pub().deleteDrafts(
        strays.map(({ chart, release }) =>
          assembledOf(chart, { chart: chart.name, id: release.id, tag: release.tag, url: release.htmlUrl, draft: true, created: false }),
        ),
      );
      return [...new Set(strays.map((s) => s.chart.name))];
    },

    report(output, line) {
      line.release = { tag: output.tag, url: output.url, draft: output.draft };
      line.status = output.draft ? 'drafted' : 'published';
      return undefined;
    },
  };
}

function withRepoPath(error: ReleaseError, chart: PlannedChart): ReleaseError {
  if (!error.file?.startsWith(chart.dir)) return error;
  const file = join(chart.path, error.file.slice(chart.dir.length + 1));
  return new ReleaseError(error.code, error.message.replace(error.file, file), { chart: error.chart, file, hint: error.hint });
}

/** One line for what drafting did: `release web-app-v0.3.0: draft created, 7 assets uploaded, 0 kept <url>`. */
function releaseLine(result: { tag: string; status: string; draft: boolean; htmlUrl?: string | null; assets: { action: string }[] }): string {
  const uploaded = result.assets.filter((a) => a.action === 'uploaded' || a.action === 'replaced').length;
  const kept = result.assets.filter((a) => a.action === 'kept').length;
  const what =
    result.status === 'exists'
      ? 'already published with the same package'
      : `draft ${result.status}, ${uploaded} asset${uploaded === 1 ? '' : 's'} uploaded, ${kept} kept`;
  return `release ${result.tag}: ${what}${result.htmlUrl ? ` ${result.htmlUrl}` : ''}`;
}
