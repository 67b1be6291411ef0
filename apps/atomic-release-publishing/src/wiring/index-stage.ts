import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReleaseError, type Logger } from '@chart-release/core';
import { readChartYaml } from '@chart-release/chart-metadata';
import {
  ARTIFACTHUB_REPO_FILE,
  chartPackageAsset,
  checkArtifactHubAnnotations,
  checkArtifactHubRepository,
  PagesBranch,
  parseHelmIndex,
  publishedChartPackages,
  publishHelmIndex,
  ReleasePublisher,
  releaseTag,
  renderArtifactHubRepo,
  type BranchFile,
  type GitHubClient,
  type IndexAddition,
  type PublishIndexResult,
  type RepositoryRef,
} from '@chart-release/github-release';
import { parseChartArchive, pushArtifactHubMetadata } from '@chart-release/oci';
import { execa } from 'execa';
import type { ReleaseConfig } from '../config.ts';
import type { DetectedChart, PlannedChart } from '../plan.ts';
import type { PackagedChart, PlannedWrite, Stage } from '../stage.ts';
import type { RegistryContext } from './clients.ts';

/** A chart this run published, as the index needs it: its package on disk and its release tag. */
interface IndexedChart {
  name: string;
  version: string;
  gitTag: string;
  /** Repository-relative folder (for errors about its Chart.yaml). */
  path: string;
  dir: string;
  packageFile: string;
  sha256: string;
}

type GitHub = () => { octokit: GitHubClient; repo: RepositoryRef };

/** The files kept on the Pages branch besides the index: artifacthub-repo.yml when Artifact Hub is configured. */
function pagesFiles(config: ReleaseConfig): BranchFile[] {
  return config.artifactHub ? [{ path: ARTIFACTHUB_REPO_FILE, content: renderArtifactHubRepo(config.artifactHub) }] : [];
}

/**
 * The Helm repository stage: after the releases are published, their versions go into `index.yaml` on the Pages
 * branch (and the Artifact Hub metadata next to it and into each chart's OCI repository). Preflight reads the
 * index (it must parse), checks that no planned version is listed with another digest, and checks the charts'
 * `artifacthub.io/*` annotations.
 */
export function createIndexStage(config: ReleaseConfig, gh: GitHub, registry: RegistryContext, logger: Logger): Stage<'index'> {
  const writer = indexWriter(config, gh, registry, logger);
  const indexed = (chart: PlannedChart, pkg: PackagedChart): IndexedChart => ({ ...chart, packageFile: pkg.file, sha256: pkg.sha256 });
  return {
    name: 'index',
    phase: 'finalize',
    verb: 'indexing',
    /** One commit on the Pages branch (its index and Artifact Hub file), and the artifacthub.io tag per chart. */
    writes(plan) {
      const out: PlannedWrite[] = [];
      if (config.index.enabled && plan.charts.length)
        out.push({ stage: 'index', system: 'github', kind: 'pages-commit', target: `${config.index.branch}:${config.index.path}` });
      if (config.artifactHub)
        for (const c of plan.charts) out.push({ stage: 'index', system: 'registry', kind: 'tag', chart: c.name, target: `${c.ociRepository}:artifacthub.io` });
      return out;
    },
    async preflight(plan, prepared) {
      const charts = plan.charts.flatMap((c) => {
        const pkg = prepared.get(c.name)?.packaged;
        return pkg ? [indexed(c, pkg)] : [];
      });
      return writer.preflight(charts);
    },
    async finalize(runs, { log }) {
      const charts = runs.filter((r) => r.outputs.release && r.outputs.packaged).map((r) => indexed(r.chart, r.outputs.packaged!));
      const result = await writer.publish(charts, log);
      if (!result) return new Map();
      log.info(
        `${result.branch}:${result.path}: ${result.added.length} added, ${result.unchanged.length} already listed (${result.entries} entries, ${result.bytes} bytes)`,
      );
      const added = new Set(result.added.map((v) => `${v.name}@${v.version}`));
      return new Map(charts.map((c) => [c.name, { entry: `${c.name}@${c.version}`, added: added.has(`${c.name}@${c.version}`) }]));
    },
  };
}

/** The index's reads and writes: the preflight of what is there, and the publish after the releases are public. */
function indexWriter(config: ReleaseConfig, gh: GitHub, registry: RegistryContext | undefined, logger: Logger) {
  const index = config.index;
  const configFile = config.configFile ? config.configFile.slice(config.cwd.length + 1) : '.chart-release.yaml';
  return {
    /** Read-only: the index parses, no planned version is listed with another digest, annotations and Artifact Hub settings are valid. */
    async preflight(charts: IndexedChart[]): Promise<ReleaseError[]> {
      const problems: ReleaseError[] = [];
      for (const chart of charts) {
        const file = join(chart.path, 'Chart.yaml');
        const { annotations } = await readChartYaml(chart.dir);
        problems.push(...checkArtifactHubAnnotations(chart.name, annotations, file));
      }
      if (config.artifactHub) problems.push(...checkArtifactHubRepository(config.artifactHub, configFile));
      if (!index.enabled || !charts.length) return problems;
      const { octokit, repo } = gh();
      const snapshot = await new PagesBranch({ octokit, repository: repo, branch: index.branch }).read([index.path]);
      const text = snapshot.files.get(index.path);
      if (text === null || text === undefined) return problems;
      try {
        const listed = new Map(parseHelmIndex(text, index.path).entries.map((e) => [`${e.name}@${e.version}`, e]));
        for (const chart of charts) {
          const found = listed.get(`${chart.name}@${chart.version}`);
          if (found && found.digest !== chart.sha256) {
            problems.push(
              new ReleaseError(
                'INDEX_DIGEST_CONFLICT',
                `${index.branch}:${index.path} lists ${chart.name} ${chart.version} with digest sha256:${found.digest}, but the package is sha256:${chart.sha256}.`,
                {
                  chart: chart.name,
                  file: join(chart.path, 'Chart.yaml'),
                  hint: 'that version was published with other content: bump the chart version.',
                },
              ),
            );
          }
        }
      } catch (error) {
        problems.push(error as ReleaseError);
      }
      return problems;
    },

    /** After the releases are published: their versions into the index, Artifact Hub metadata beside it and in the registry. */
    async publish(charts: IndexedChart[], log: Logger = logger): Promise<PublishIndexResult | undefined> {
      if (config.artifactHub && registry) {
        const content = renderArtifactHubRepo(config.artifactHub);
        for (const c of charts) await pushArtifactHubMetadata(registry.client, registry.repositoryOf(c.name), content);
      }
      if (!index.enabled || !charts.length) return undefined;
      const { octokit, repo } = gh();
      // listed again after publishing: download URLs point at the tag only once a release is published
      const releases = await new ReleasePublisher({ octokit, logger: log }).listExistingReleases(repo);
      const additions: IndexAddition[] = [];
      for (const chart of charts) {
        const release = releases.get(chart.gitTag);
        const asset = release && !release.draft ? chartPackageAsset(release, chart.name, chart.version) : undefined;
        if (!release || !asset?.downloadUrl) {
          throw new ReleaseError(
            'INDEX_RELEASE_MISSING',
            `${chart.gitTag} has no published release with ${chart.name}-${chart.version}.tgz, so the index cannot point at it.`,
            {
              chart: chart.name,
              hint: 're-run: the release is published first, then the index is completed.',
            },
          );
        }
        const { chart: chartYaml } = parseChartArchive(await readFile(chart.packageFile), chart.packageFile);
        additions.push({
          name: chart.name,
          version: chart.version,
          chartYaml,
          digest: chart.sha256,
          url: asset.downloadUrl,
          created: new Date(release.publishedAt ?? Date.now()),
        });
      }
      return publishHelmIndex({
        octokit,
        repository: repo,
        branch: index.branch,
        path: index.path,
        additions,
        files: pagesFiles(config),
        sizeWarningBytes: index.sizeWarning,
        logger: log,
      });
    },
  };
}

/**
 * `chart-release index`: the index made to list every chart package published in the repository's releases —
 * merged into the existing index, or (`rebuild`) recreated from them; `prune` lets a rebuild drop entries.
 */
export async function refreshIndexFromReleases(
  config: ReleaseConfig,
  gh: GitHub,
  logger: Logger,
  options: { rebuild?: boolean; prune?: boolean; dryRun?: boolean },
): Promise<PublishIndexResult> {
  const { octokit, repo } = gh();
  const releases = await new ReleasePublisher({ octokit, logger }).listExistingReleases(repo);
  const additions = await publishedChartPackages(octokit, releases, (tgz, name) => parseChartArchive(tgz, name).chart);
  return publishHelmIndex({
    octokit,
    repository: repo,
    branch: config.index.branch,
    path: config.index.path,
    additions,
    mode: options.rebuild ? 'rebuild' : 'merge',
    prune: options.prune,
    dryRun: options.dryRun,
    files: pagesFiles(config),
    sizeWarningBytes: config.index.sizeWarning,
    logger,
  });
}

/**
 * Adoption of a repository another tool released from (chart-releaser's `{name}-{version}` tags): a changed chart
 * whose version already has a tag under one of `config.release.adoptTagTemplates` is not released (nor pushed)
 * again. Tags are read from the checkout (actions/checkout with fetch-depth: 0 fetches them).
 */
export async function skipAdoptedReleases(config: ReleaseConfig, charts: DetectedChart[]): Promise<DetectedChart[]> {
  const templates = config.release.adoptTagTemplates.filter((t) => t !== config.release.tagTemplate);
  if (!templates.length || !charts.some((c) => c.release)) return charts;
  const listed = await execa('git', ['tag', '--list'], { cwd: config.cwd, reject: false });
  const tags = new Set(listed.stdout.split('\n').filter(Boolean));
  return charts.map((c) => {
    if (!c.release) return c;
    const tag = templates.map((t) => releaseTag(t, c)).find((t) => tags.has(t));
    return tag ? { ...c, release: false, notReleasedBecause: `already released as ${tag}` } : c;
  });
}
