// What the GitHub benchmarks release: per chart a package and the files a chart-release run attaches to its release
// (signature, lineage, changelog, README, license), planned as assets, then drafted and published as a run does.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runBounded } from '@chart-release/atomic-release-publishing';
import { planReleaseAssets, releaseTag, type AssembledRelease, type PlannedAsset, type ReleasePublisher } from '@chart-release/github-release';

export const RELEASE_SHA = 'c0ffee'.padEnd(40, '0');

/** The emulator seed of the repository the charts are released from. */
export const releaseSeed = { repos: [{ owner: 'acme', name: 'charts', commits: [{ sha: RELEASE_SHA, message: 'release' }] }] };

export interface ChartAssets {
  name: string;
  assets: PlannedAsset[];
}

/** Writes the files of `count` charts into `dir` and plans each chart's release assets. */
export async function planCharts(dir: string, count: number): Promise<ChartAssets[]> {
  const plans: ChartAssets[] = [];
  for (let i = 0; i < count; i++) {
    const name = `chart-${String(i).padStart(3, '0')}`;
    const file = async (base: string, content: string | Buffer) => {
      const path = join(dir, `${name}-${base}`);
      await writeFile(path, content);
      return path;
    };
    const plan = await planReleaseAssets({
      chart: name,
      files: {
        package: await file('1.0.0.tgz', randomBytes(8192)),
        signature: await file('1.0.0.tgz.sig', randomBytes(96).toString('base64')),
        lineage: await file('lineage.json', '{"schemaVersion":1}'),
        changelog: await file('CHANGELOG.md', `## [1.0.0]\n\n- ${name}\n`),
        readme: await file('README.md', `# ${name}\n`),
        license: await file('LICENSE', 'Apache-2.0\n'),
      },
    });
    plans.push({ name, assets: plan.assets });
  }
  return plans;
}

/**
 * One run's GitHub work for `plans`: the listing, a draft per chart with its assets (`concurrency` charts at a
 * time, as a run assembles them), then every draft published.
 */
export async function releaseCharts(publisher: ReleasePublisher, plans: ChartAssets[], concurrency = 1): Promise<void> {
  const existing = await publisher.listExistingReleases('acme/charts');
  const assembled = await runBounded(plans, concurrency, ({ name, assets }) =>
    publisher.assembleRelease({
      existing,
      chart: name,
      version: '1.0.0',
      tag: releaseTag(undefined, { name, version: '1.0.0' }),
      targetCommitish: RELEASE_SHA,
      notes: `${name} 1.0.0`,
      assets,
    }),
  );
  const drafts: AssembledRelease[] = assembled.map((outcome) => {
    if (outcome.status === 'fulfilled') return outcome.value;
    throw outcome.status === 'rejected' ? outcome.reason : new Error('a chart was skipped after another failed');
  });
  await publisher.publishReleases(drafts, { makeLatest: 'false' });
}
