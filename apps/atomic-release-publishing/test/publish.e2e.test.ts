import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Octokit } from '@octokit/rest';
import { skopeoDigest, startReleaseSandbox, type ReleaseSandbox } from '@chart-release/testkit';
import { chartRelease } from './run-cli.ts';

const CHARTS = ['api-service', 'common-lib', 'web-app'];

describe('chart-release publish on a push to release', () => {
  let sandbox: ReleaseSandbox;
  let octokit: Octokit;

  beforeAll(async () => {
    sandbox = await startReleaseSandbox();
    octokit = new Octokit({ baseUrl: sandbox.github.url, auth: sandbox.github.token });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('releases every changed chart with every asset, signed, with lineage and a manifest that verifies', async () => {
    const run = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(run.exitCode, run.all).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.ok).toBe(true);
    expect(report.charts.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual(CHARTS.map((c) => [c, 'published']));

    const { data: releases } = await octokit.rest.repos.listReleases({ owner: sandbox.owner, repo: sandbox.name });
    expect(releases.map((r) => r.tag_name).sort()).toEqual(['api-service-v1.4.0', 'common-lib-v1.0.0', 'web-app-v0.3.0']);
    for (const release of releases) {
      expect(release.draft).toBe(false);
      const chart = release.tag_name.replace(/-v[\d.]+$/, '');
      const version = release.tag_name.slice(chart.length + 2);
      expect(release.assets.map((a) => a.name).sort()).toEqual(
        [
          `${chart}-${version}.tgz`,
          `${chart}-${version}.tgz.sig`,
          `${chart}-${version}.tgz.sigstore.json`,
          `${chart}-attestation-lineage.json`,
          'CHANGELOG.md',
          'LICENSE',
          'README.md',
        ].sort(),
      );
      const reported = report.charts.find((c: { name: string }) => c.name === chart);
      if (chart === 'common-lib') {
        // a library chart cannot be installed: its notes show how to depend on it
        expect(release.body).not.toContain('helm install');
        expect(release.body).toContain(
          `dependencies:\n  - name: ${chart}\n    version: "${version}"\n    repository: oci://${sandbox.registryHost}/acme/charts\n`,
        );
      } else {
        expect(release.body).toContain(`helm install ${chart} oci://${sandbox.registryHost}/acme/charts/${chart} --version ${version}`);
      }
      expect(release.body).toContain(reported.digest);
      // the registry, read independently, holds the digest the release names
      expect(await skopeoDigest(`${sandbox.registryHost}/acme/charts/${chart}:${version}`)).toBe(reported.digest);
    }
    const webApp = releases.find((r) => r.tag_name === 'web-app-v0.3.0')!;
    expect(webApp.body).toContain('Optional Ingress');

    const manifestPath = join(sandbox.repo.dir, '.chart-release', 'release-manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    expect(manifest.artifacts).toHaveLength(3);
    const lineage = JSON.parse(await readFile(join(sandbox.repo.dir, '.chart-release', 'lineage', 'web-app-attestation-lineage.json'), 'utf8'));
    expect(lineage).toMatchObject({ chart: 'web-app', version: '0.3.0', pullRequest: { number: 7 }, attestations: [{ stage: 'test' }] });

    const verify = await chartRelease(['verify', manifestPath, '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(verify.exitCode, verify.all).toBe(0);
    expect(JSON.parse(verify.stdout).artifacts.every((a: { ok: boolean }) => a.ok)).toBe(true);
  });

  it('changes nothing when run again', async () => {
    const before = sandbox.github.requests.length;
    const run = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(run.exitCode, run.all).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.charts.every((c: { push: string }) => c.push === 'exists')).toBe(true);
    const writes = sandbox.github.requests.slice(before).filter((r) => r.method !== 'GET');
    expect(writes).toEqual([]);
    const { data: releases } = await octokit.rest.repos.listReleases({ owner: sandbox.owner, repo: sandbox.name });
    expect(releases).toHaveLength(3);
  });
});
