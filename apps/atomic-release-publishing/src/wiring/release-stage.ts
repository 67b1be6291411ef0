import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ReleaseError, type Logger } from '@chart-release/core';
import { readChartYaml } from '@chart-release/chart-metadata';
import { describeGitHubError } from '@chart-release/github-client';
import {
  commitsSincePreviousTag,
  decideRelease,
  defaultMakeLatest,
  extractChangelogSection,
  lineageSummaryFromJson,
  planReleaseAssets,
  releaseTagGlob,
  releaseTitle,
  renderReleaseNotes,
  ReleasePublisher,
  type AssembledRelease,
  type GitHubClient,
  type MakeLatest,
  type ReleaseIndex,
  type RepositoryRef,
} from '@chart-release/github-release';
import type { ReleaseConfig } from '../config.ts';
import type { ChartArtifacts, DraftedRelease, PackagedChart } from '../publish.ts';
import type { PlannedChart, ReleasePlan } from '../plan.ts';
import { listRepositoryCharts } from './repository-charts.ts';

/** Source files of a chart's release, found in its folder. */
function sourceFiles(chart: PlannedChart) {
  return {
    changelog: join(chart.dir, 'CHANGELOG.md'),
    readme: join(chart.dir, 'README.md'),
    license: join(chart.dir, 'LICENSE'),
  };
}

/** The GitHub release part of a run: preflight on the one listing of releases, drafts, publish, clean-up. */
export function createReleaseStage(config: ReleaseConfig, gh: () => { octokit: GitHubClient; repo: RepositoryRef }, logger: Logger) {
  let publisher: ReleasePublisher | undefined;
  let index: ReleaseIndex | undefined;
  const assembled = new Map<string, AssembledRelease>();
  const pub = () => (publisher ??= new ReleasePublisher({ octokit: gh().octokit, logger }));
  const listing = async () => (index ??= await pub().listExistingReleases(gh().repo));
  const required = config.release.requiredAssets.filter((k) => config.signing.mode !== 'none' || (k !== 'signature' && k !== 'bundle'));
  let makeLatest: MakeLatest | undefined;

  return {
    /** Token can write releases; no published release for a planned tag holds another package; source assets exist. */
    async preflight(plan: ReleasePlan, packages: Map<string, PackagedChart>, errors: ReleaseError[], warnings: string[]) {
      const { octokit, repo } = gh();
      try {
        const { data } = await octokit.rest.repos.get({ owner: repo.owner, repo: repo.repo });
        if (data.permissions && !data.permissions.push) {
          errors.push(
            new ReleaseError('GITHUB_AUTH_FAILED', `the token cannot write to ${repo.owner}/${repo.repo}.`, {
              hint: 'give the job `permissions: contents: write`.',
            }),
          );
        }
      } catch (error) {
        errors.push(
          describeGitHubError(error, {
            doing: `reading the repository ${repo.owner}/${repo.repo} at ${config.github.apiUrl}`,
            repository: `${repo.owner}/${repo.repo}`,
            permission: 'contents: write',
          }),
        );
        return;
      }
      const existing = await listing();
      for (const chart of plan.charts) {
        const files = sourceFiles(chart);
        const assets = await planReleaseAssets({
          chart: chart.name,
          files: { package: packages.get(chart.name)!.file, ...files },
          required: ['package', ...required.filter((k) => k in files)],
        });
        errors.push(...assets.errors.map((e) => withRepoPath(e, chart)));
        warnings.push(...assets.warnings.map((w) => `${chart.name}: ${w.message}`));
        const pkg = assets.assets.find((a) => a.kind === 'package')!;
        try {
          decideRelease(
            chart.name,
            existing.get(chart.gitTag),
            { tag: chart.gitTag, name: releaseTitle(chart), body: '', prerelease: chart.prerelease, targetCommitish: plan.head },
            pkg,
          );
        } catch (error) {
          errors.push(error as ReleaseError);
        }
      }
      makeLatest = config.release.makeLatest === 'auto' ? defaultMakeLatest((await listRepositoryCharts(config)).length) : config.release.makeLatest;
    },

    /** Creates (or reuses) the chart's draft release with every asset. */
    async draft(chart: PlannedChart, artifacts: ChartArtifacts, head: string, log: Logger): Promise<DraftedRelease> {
      const files = sourceFiles(chart);
      const plan = await planReleaseAssets({
        chart: chart.name,
        files: {
          package: artifacts.pkg.file,
          ...(artifacts.signed.signaturePath ? { signature: artifacts.signed.signaturePath } : {}),
          ...(artifacts.signed.bundlePath ? { bundle: artifacts.signed.bundlePath } : {}),
          lineage: artifacts.lineage.file,
          ...files,
        },
        required: ['package', 'lineage', ...required],
      });
      if (plan.errors.length) throw plan.errors[0]!;
      for (const w of plan.warnings) log.warn(w.message, { file: w.file });
      const metadata = await readChartYaml(chart.dir);
      const changelog = existsSync(files.changelog) ? extractChangelogSection(await readFile(files.changelog, 'utf8'), chart.version) : undefined;
      const notes = renderReleaseNotes({
        chart: { name: chart.name, version: chart.version, appVersion: metadata.appVersion, description: metadata.description, type: metadata.type },
        registry: config.registry,
        digest: artifacts.pushed.digest,
        repository: `${gh().repo.owner}/${gh().repo.repo}`,
        changelog,
        commits: changelog ? undefined : await commitsSincePreviousTag(chart.dir, releaseTagGlob(config.release.tagTemplate, chart.name), chart.gitTag, head),
        lineage: lineageSummaryFromJson(JSON.parse(await readFile(artifacts.lineage.file, 'utf8')), basename(artifacts.lineage.file)),
        signing: {
          mode: artifacts.signed.mode === 'none' ? 'none' : artifacts.signed.mode === 'key' ? 'key' : 'keyless',
          certificateIdentity: config.signing.identity,
          certificateIdentityRegexp: config.signing.identityRegexp,
          certificateOidcIssuer: config.signing.issuer,
        },
        packageAsset: chart.packageFile,
        bundleAsset: artifacts.signed.bundlePath ? `${chart.packageFile}.sigstore.json` : undefined,
        serverUrl: config.github.serverUrl,
        template: config.release.notesTemplate ? await readFile(config.release.notesTemplate, 'utf8') : undefined,
        templateFile: config.release.notesTemplate,
      });
      const result = await pub().assembleRelease({
        existing: await listing(),
        chart: chart.name,
        version: chart.version,
        tag: chart.gitTag,
        targetCommitish: head,
        notes,
        assets: plan.assets,
        prerelease: chart.prerelease,
        makeLatest,
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

    async publish(drafts: DraftedRelease[]): Promise<void> {
      const list = drafts.map((d) => assembled.get(d.chart)!).filter(Boolean);
      const published = await pub().publishReleases(list, { makeLatest });
      for (const p of published) {
        const d = drafts.find((x) => x.chart === p.chart);
        if (d) d.url = p.htmlUrl;
      }
    },

    async deleteDrafts(drafts: DraftedRelease[]): Promise<void> {
      await pub().deleteDrafts(drafts.map((d) => assembled.get(d.chart)!).filter(Boolean));
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
