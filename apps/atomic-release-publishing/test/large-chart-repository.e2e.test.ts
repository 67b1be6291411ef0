import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Octokit } from '@octokit/rest';
import {
  COMMUNITY_UPSTREAM,
  isolatedHelm,
  pushCommunityUpstream,
  startChartRepository,
  startReleaseSandbox,
  writeCommunityChartRepository,
  type CommunityChart,
  type IsolatedHelm,
  type ReleaseSandbox,
  type RunningChartRepository,
} from '@chart-release/testkit';
import { chartRelease } from './run-cli.ts';

type Report = {
  ok: boolean;
  charts: { name: string; version: string; status: string }[];
  errors: { code: string; chart?: string; message: string }[];
  notes?: { chart: string; dependency: string; message: string }[];
  warnings: string[];
};

// The default configuration (keyless signing against the local Sigstore stack, the Helm index on): no dependency,
// lint or asset settings, and no helm repository set up beforehand.
describe('a chart repository shaped like the large public ones', () => {
  let sandbox: ReleaseSandbox;
  let helm: IsolatedHelm;
  let upstream: RunningChartRepository;
  let work: string;
  let charts: CommunityChart[];

  beforeAll(async () => {
    [sandbox, helm, work] = await Promise.all([startReleaseSandbox({ charts: [] }), isolatedHelm(4), mkdtemp(join(tmpdir(), 'community-charts-'))]);
    upstream = await startChartRepository({ helm, charts: COMMUNITY_UPSTREAM.chartRepository });
    const ociRepository = `oci://${sandbox.registryHost}/upstream`;
    await pushCommunityUpstream(helm, ociRepository, work);
    await sandbox.push('Add the community charts', async (repo) => {
      charts = await writeCommunityChartRepository(repo.dir, { chartRepository: upstream.url, ociRepository, helm });
    });
  });
  afterAll(async () => {
    await Promise.all([sandbox?.stop(), upstream?.stop(), rm(work, { recursive: true, force: true })]);
    await helm?.dispose();
  });

  it('publishes every chart with the default configuration; an independent helm pulls each with its dependencies inside', async () => {
    expect(charts.length).toBeGreaterThanOrEqual(10);
    const run = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    const report = JSON.parse(run.stdout) as Report;
    expect(report.errors, run.stderr).toEqual([]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(report.charts.map((c) => [c.name, c.version, c.status]).sort()).toEqual(charts.map((c) => [c.name, c.version, 'published']).sort());
    // web takes the repository's own library by name from its chart repository: released alone, it is a note
    expect(report.notes?.map((n) => n.message)).toEqual(['web depends on common 1.0.x; common 1.1.0 is released in this push']);
    // a chart without README goes out without one, said once
    expect(report.warnings.filter((w) => w.includes('no README.md')).sort()).toEqual(
      charts
        .filter((c) => !c.docs)
        .map((c) => `${c.name}: no README.md in ${c.path}; the release goes out without one.`)
        .sort(),
    );

    for (const chart of charts) {
      const dest = join(work, 'pulled', chart.name);
      await mkdir(dest, { recursive: true });
      await helm.run(['pull', `${sandbox.registryUrl}/${chart.name}`, '--version', chart.version, '--plain-http', '-d', dest]);
      const files = (await execa('tar', ['-tzf', join(dest, `${chart.name}-${chart.version}.tgz`)])).stdout.split('\n');
      for (const bundled of chart.bundles) {
        const name = bundled.replace(/-\d[^-]*$/, '');
        expect(
          files.some((f) => f === `${chart.name}/charts/${bundled}.tgz` || f === `${chart.name}/charts/${name}/Chart.yaml`),
          `${chart.name} holds ${bundled}`,
        ).toBe(true);
      }
    }
  });

  it("attaches a LICENSE and a CHANGELOG to every release: the chart's own, else the repository's LICENSE and a generated CHANGELOG", async () => {
    const octokit = new Octokit({ baseUrl: sandbox.github.url, auth: sandbox.github.token });
    const releases = await octokit.paginate(octokit.rest.repos.listReleases, { owner: sandbox.owner, repo: sandbox.name, per_page: 100 });
    const repositoryLicense = await readFile(join(sandbox.repo.dir, 'LICENSE'));
    for (const chart of charts) {
      const release = releases.find((r) => r.tag_name === `${chart.name}-v${chart.version}`);
      expect(release, chart.name).toBeDefined();
      expect(release!.draft).toBe(false);
      const names = release!.assets.map((a) => a.name);
      expect(names, chart.name).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md', `${chart.name}-${chart.version}.tgz`]));
      const license = release!.assets.find((a) => a.name === 'LICENSE')!;
      if (!chart.docs) expect(license.size, chart.name).toBe(repositoryLicense.length);
      expect(names.includes('README.md'), chart.name).toBe(chart.docs);
    }
  });
});
