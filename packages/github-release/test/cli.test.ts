import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GitHubEmulator } from '@chart-release/github-emulator';
import { GitRepo } from '@chart-release/testkit';
import { chartFiles, OWNER, RELEASE_SHA, REPO, startEmulator } from './fixtures.ts';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const DIGEST = `sha256:${'e'.repeat(64)}`;

let emulator: GitHubEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.stop();
});

async function chartDir(version = '1.2.0') {
  const files = await chartFiles('web-app', version);
  const dir = join(files.dir, 'charts', 'web-app');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'Chart.yaml'), `apiVersion: v2\nname: web-app\nversion: ${version}\nappVersion: "1.27"\ndescription: A web app.\n`);
  await writeFile(join(dir, 'CHANGELOG.md'), `# Changelog\n\n## [${version}] - 2026-01-12\n\n- Ingress.\n`);
  await writeFile(join(dir, 'LICENSE'), 'Apache-2.0\n');
  return { files, dir };
}

function cli(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, ['--conditions=@chart-release/source', CLI, ...args], {
    env: {
      PATH: process.env.PATH,
      GITHUB_API_URL: emulator.url,
      GITHUB_TOKEN: emulator.token,
      GITHUB_SHA: RELEASE_SHA,
      CHART_RELEASE_GITHUB_WRITE_INTERVAL_MS: '0',
      ...env,
    },
  });
}

describe('chart-github-release', () => {
  it('assembles a draft, then publishes it on a second run with --publish, uploading nothing twice', async () => {
    const { files, dir } = await chartDir();
    const args = [
      '--repo',
      `${OWNER}/${REPO}`,
      '--chart-dir',
      dir,
      '--package',
      files.package,
      '--signature',
      files.signature,
      '--digest',
      DIGEST,
      '--registry',
      'oci://ghcr.io/acme/charts',
      '--json',
    ];

    const dry = JSON.parse((await cli([...args, '--dry-run'])).stdout);
    expect(dry).toMatchObject({ ok: true, errors: [], warnings: [expect.stringContaining('README.md does not exist')], dryRun: true });
    expect(dry.charts[0].release.status).toBe('created');
    expect(dry.charts[0].notes).toContain('helm install web-app oci://ghcr.io/acme/charts/web-app --version 1.2.0');
    expect(emulator.state.repos.find((r) => r.name === REPO)!.releases).toHaveLength(0);

    const first = JSON.parse((await cli(args)).stdout);
    expect(first.charts[0].release).toMatchObject({ status: 'created', draft: true, tag: 'web-app-v1.2.0' });
    expect(first.charts[0].release.assets.map((a: { name: string }) => a.name)).toEqual([
      'web-app-1.2.0.tgz',
      'web-app-1.2.0.tgz.sig',
      'CHANGELOG.md',
      'LICENSE',
    ]);

    const second = JSON.parse((await cli([...args, '--publish'])).stdout);
    expect(second.charts[0].release.status).toBe('unchanged');
    expect(second.charts[0].published).toMatchObject([{ tag: 'web-app-v1.2.0', published: true }]);
    expect(second.requests).toBe(2);
  });

  it('reports a GitHub 422 (a release commit GitHub does not have) as a coded error with its fix', async () => {
    const { files, dir } = await chartDir('1.3.0');
    const missingCommit = 'f'.repeat(40);
    const args = ['--repo', `${OWNER}/${REPO}`, '--chart-dir', dir, '--package', files.package, '--digest', DIGEST, '--registry', 'oci://ghcr.io/acme/charts'];
    const error = await cli([...args, '--target', missingCommit, '--publish', '--json']).catch((e: { code: number; stderr: string; stdout: string }) => e);
    expect(error).toMatchObject({ code: 1 });
    const { stdout, stderr } = error as { stdout: string; stderr: string };
    expect(JSON.parse(stdout)).toMatchObject({
      ok: false,
      errors: [
        {
          code: 'PUBLISH_FAILED',
          chart: 'web-app',
          message: expect.stringContaining('target_commitish'),
          hint: expect.stringContaining('push it first'),
          details: { cause: 'GITHUB_REQUEST_REJECTED', status: 422 },
        },
      ],
    });
    expect(stderr).toMatch(
      /- \[PUBLISH_FAILED\] web-app: publishing the draft release web-app-v1\.3\.0 failed \(HTTP 422\).* Fix: the commit is not in the repository/,
    );
    const release = emulator.state.repos.find((r) => r.name === REPO)!.releases.find((r) => r.tag_name === 'web-app-v1.3.0');
    expect(release?.draft).toBe(true);
  });

  it('says the token was refused, without printing it', async () => {
    const { files, dir } = await chartDir();
    const wrong = 'ghp_' + 'Q'.repeat(36);
    const error = await cli(
      ['--repo', `${OWNER}/${REPO}`, '--chart-dir', dir, '--package', files.package, '--digest', DIGEST, '--registry', 'ghcr.io/acme/charts'],
      { GITHUB_TOKEN: wrong },
    ).catch((e: { code: number; stderr: string }) => e);
    expect(error).toMatchObject({ code: 1 });
    const stderr = (error as { stderr: string }).stderr;
    expect(stderr).toContain('[GITHUB_AUTH_FAILED]');
    expect(stderr).toContain('HTTP 401');
    expect(stderr).not.toContain(wrong);
  });

  it('fails with every missing required asset named, and no token in the output', async () => {
    const { files, dir } = await chartDir();
    const error = await cli([
      '--repo',
      `${OWNER}/${REPO}`,
      '--chart-dir',
      dir,
      '--package',
      join(dir, 'nope.tgz'),
      '--digest',
      DIGEST,
      '--registry',
      'ghcr.io/acme/charts',
      '--require',
      'package,signature,lineage',
    ]).catch((e: { code: number; stderr: string; stdout: string }) => e);
    expect(error).toMatchObject({ code: 1 });
    const stderr = (error as { stderr: string }).stderr;
    expect(stderr).toContain(`[ASSET_MISSING] web-app ${join(dir, 'nope.tgz')}`);
    expect(stderr).toContain('no signature file was given');
    expect(stderr).toContain('no lineage file was given');
    expect(stderr).not.toContain(emulator.token);
    expect(files.package).toBeTruthy();
  });

  it("takes the LICENSE of the repository root and a CHANGELOG made from the chart's commits when the chart has neither, as a release run does", async () => {
    const { files } = await chartDir('1.4.0');
    const repo = await GitRepo.create();
    try {
      await repo.write('LICENSE', 'MIT License\n');
      await repo.write('charts/web-app/Chart.yaml', 'apiVersion: v2\nname: web-app\nversion: 1.4.0\n');
      await repo.write('charts/web-app/values.yaml', 'replicaCount: 1\n');
      await repo.commit('feat(web-app): first chart');
      await repo.write('charts/web-app/values.yaml', 'replicaCount: 2\n');
      await repo.commit('fix(web-app): two replicas');
      const args = ['--repo', `${OWNER}/${REPO}`, '--chart-dir', join(repo.dir, 'charts', 'web-app'), '--package', files.package, '--digest', DIGEST];
      const dry = JSON.parse((await cli([...args, '--registry', 'oci://ghcr.io/acme/charts', '--dry-run', '--json'])).stdout);
      expect(dry.charts[0].release.assets.map((a: { name: string }) => a.name)).toEqual(['web-app-1.4.0.tgz', 'CHANGELOG.md', 'LICENSE']);
      expect(dry.charts[0].notes).toContain('fix(web-app): two replicas');
      // --require names what must be the chart's own: the repository's LICENSE does not stand in for it
      const required = await cli([...args, '--registry', 'oci://ghcr.io/acme/charts', '--dry-run', '--require', 'package,license']).catch(
        (e: { code: number; stderr: string }) => e,
      );
      expect(required).toMatchObject({ code: 1, stderr: expect.stringContaining('[ASSET_MISSING] web-app') });
    } finally {
      await repo.dispose();
      await rm(files.dir, { recursive: true, force: true });
    }
  });
});
