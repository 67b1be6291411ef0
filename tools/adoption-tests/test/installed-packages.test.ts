import { lstat, readFile, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GitRepo, isolatedHelm, skopeoDigest, startRegistry, writeChart, type IsolatedHelm, type RunningRegistry } from '@chart-release/testkit';
import { inAdopter } from './adopter-env.ts';

const WORKSPACE = join(import.meta.dirname, '../../..');
const adopterDir = inject('adopterDir');
const packages = inject('packages');

/** Names every package's public API must export (a few each; a missing build or a broken export map fails). */
const EXPECTED_EXPORTS: Record<string, string[]> = {
  '@chart-release/core': ['ReleaseError', 'redact', 'registerSecret', 'createLogger', 'runCli', 'setOutput'],
  '@chart-release/changed-charts': ['detectChangedCharts'],
  '@chart-release/chart-metadata': ['readChartYaml', 'parseChartYaml', 'releaseTag'],
  '@chart-release/github-client': ['createGitHubClient', 'parseRepository'],
  '@chart-release/oci': ['pushChart', 'parseOciReference'],
  '@chart-release/cosign': ['createSigner', 'verifyByDigest', 'verifyBlob'],
  '@chart-release/github-release': ['ReleasePublisher', 'renderReleaseNotes', 'createGitHubClient'],
  '@chart-release/attestation-map': ['renderMapBlock', 'loadSchema'],
  '@chart-release/github-emulator': ['startGitHubEmulator'],
  '@chart-release/testkit': ['startRegistry', 'GitRepo', 'startReleaseSandbox', 'isolatedHelm'],
  '@chart-release/atomic-release-publishing': ['loadConfig', 'runPublish', 'promote', 'verifyManifest', 'manifestSchemaProblems'],
  '@chart-release/atomic-release-publishing/action': ['runAction', 'actionArgv', 'readActionInputs'],
};

describe('every package installed from its npm tarball in a project outside the workspace', () => {
  it('installs real copies, not links into the workspace', async () => {
    for (const { name } of packages) {
      const installed = join(adopterDir, 'node_modules', name);
      expect((await lstat(installed)).isSymbolicLink(), name).toBe(false);
      expect(await realpath(installed), name).not.toContain(WORKSPACE);
      const pkg = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));
      expect(pkg.publishConfig, name).toEqual({
        access: 'public',
        provenance: true,
      });
    }
  });

  it('runs every bin with --help', async () => {
    const bins = packages.flatMap((p) => Object.keys(p.bin));
    expect(bins).toEqual(
      expect.arrayContaining(['changed-charts', 'chart-push', 'chart-sign', 'chart-github-release', 'attestation-map', 'github-emulator', 'chart-release']),
    );
    for (const bin of bins) {
      const run = await execa(bin, ['--help'], inAdopter(adopterDir));
      expect(run.exitCode, `${bin} --help\n${run.all}`).toBe(0);
      expect(run.stdout, bin).toMatch(/usage/i);
    }
  });

  it("imports every package's public API by its name", async () => {
    const script = join(adopterDir, 'check-exports.mjs');
    await writeFile(
      script,
      `const expected = ${JSON.stringify(EXPECTED_EXPORTS)};
const missing = [];
for (const [name, names] of Object.entries(expected)) {
  const mod = await import(name);
  for (const n of names) if (mod[n] === undefined) missing.push(name + ': ' + n);
}
// the JSON Schemas shipped beside dist/ are found and read
const map = await import('@chart-release/attestation-map');
const mapSchema = map.loadSchema(map.MAP_SCHEMA_FILE);
const app = await import('@chart-release/atomic-release-publishing');
const manifestProblems = app.manifestSchemaProblems({ schemaVersion: 1 });
console.log(JSON.stringify({ missing, modules: Object.keys(expected).length, mapSchema: typeof mapSchema.$schema, manifestProblems: manifestProblems.length > 0 }));
`,
    );
    const run = await execa('node', [script], inAdopter(adopterDir));
    expect(run.exitCode, run.all).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      missing: [],
      modules: Object.keys(EXPECTED_EXPORTS).length,
      mapSchema: 'string',
      manifestProblems: true,
    });
    expect(Object.keys(EXPECTED_EXPORTS)).toEqual(expect.arrayContaining(packages.map((p) => p.name)));
  });

  describe('on real components', () => {
    let repo: GitRepo;
    let registry: RunningRegistry;
    let helm: IsolatedHelm;
    let base: string;
    let head: string;

    beforeAll(async () => {
      [repo, registry, helm] = await Promise.all([GitRepo.create(), startRegistry(), isolatedHelm(4)]);
      await writeChart(join(repo.dir, 'charts', 'ledger'), {
        name: 'ledger',
        version: '1.0.0',
      });
      await writeChart(join(repo.dir, 'charts', 'gateway'), {
        name: 'gateway',
        version: '0.4.0',
      });
      base = await repo.commit('Add charts');
      await writeChart(join(repo.dir, 'charts', 'ledger'), {
        name: 'ledger',
        version: '1.1.0',
        values: { replicaCount: 2 },
      });
      head = await repo.commit('ledger: two replicas');
    });
    afterAll(async () => {
      await Promise.all([repo?.dispose(), registry?.stop(), helm?.dispose()]);
    });

    it('changed-charts finds the one chart a commit changed', async () => {
      const run = await execa('changed-charts', ['--base', base, '--head', head, '--json'], inAdopter(adopterDir, {}, repo.dir));
      expect(run.exitCode, run.all).toBe(0);
      const result = JSON.parse(run.stdout);
      expect(result.charts.map((c: { name: string; version: string; status: string }) => [c.name, c.version, c.status])).toEqual([
        ['ledger', '1.1.0', 'modified'],
      ]);
    });

    it('chart-push pushes a chart folder to the registry, and finds it there on a second run', async () => {
      const args = [join(repo.dir, 'charts', 'ledger'), '--registry', `oci://${registry.host}/acme/charts`, '--plain-http', '--helm', helm.binary, '--json'];
      const first = await execa('chart-push', args, inAdopter(adopterDir, helm.env));
      expect(first.exitCode, first.all).toBe(0);
      const pushed = JSON.parse(first.stdout);
      const digest = await skopeoDigest(`${registry.host}/acme/charts/ledger:1.1.0`);
      expect(JSON.stringify(pushed)).toContain(digest);
      const again = await execa('chart-push', args, inAdopter(adopterDir, helm.env));
      expect(again.exitCode, again.all).toBe(0);
      expect(again.stdout).toContain('exists');
    });
  });
});
