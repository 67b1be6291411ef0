import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Octokit } from '@octokit/rest';
import { parse } from 'yaml';
import { createSigner } from '@chart-release/cosign';
import { RegistryClient } from '@chart-release/oci';
import { skopeoDigest, skopeoListTags, startReleaseSandbox, type ReleaseSandbox } from '@chart-release/testkit';
import { channelHistory } from '../src/channel-history.ts';
import { promotionRegistry } from '../src/wiring/registry-views.ts';
import { chartRelease } from './run-cli.ts';

describe('promotion, rollback and release manifests on a real registry', () => {
  let sandbox: ReleaseSandbox;
  let manifestPath: string;
  let digest030: string;
  let digest040: string;
  let unsigned: string;
  const run = (args: string[]) => chartRelease(args, { cwd: sandbox.repo.dir, env: sandbox.env });
  const ref = (tag: string) => `${sandbox.registryHost}/acme/charts/web-app:${tag}`;

  beforeAll(async () => {
    // GitHub as Enterprise Server serves it (API under /api/v3, uploads under /api/uploads): the publish and promote
    // flows follow GITHUB_API_URL and the hypermedia, never a hand-built github.com URL
    sandbox = await startReleaseSandbox({ charts: ['web-app'], githubEnterprise: true });
    const first = await run(['publish', '--json']);
    expect(first.exitCode, first.all).toBe(0);
    digest030 = JSON.parse(first.stdout).charts[0].digest;
    manifestPath = join(sandbox.repo.dir, '.chart-release', 'release-manifest.json');
    // a second release, 0.4.0, through the same pipeline
    await sandbox.push('web-app 0.4.0', async (repo) => {
      await repo.write('charts/web-app/Chart.yaml', (await repo.read('charts/web-app/Chart.yaml')).replace('version: 0.3.0', 'version: 0.4.0'));
    });
    const second = await run(['publish', '--json']);
    expect(second.exitCode, second.all).toBe(0);
    digest040 = JSON.parse(second.stdout).charts[0].digest;
    // an unsigned 0.9.0, pushed by hand around the pipeline
    const dir = join(sandbox.repo.dir, 'charts/web-app');
    await writeFile(join(dir, 'Chart.yaml'), (await readFile(join(dir, 'Chart.yaml'), 'utf8')).replace('version: 0.4.0', 'version: 0.9.0'));
    await sandbox.helm.run(['package', dir, '--destination', join(sandbox.repo.dir, '.hand')]);
    await sandbox.helm.run(['push', join(sandbox.repo.dir, '.hand', 'web-app-0.9.0.tgz'), `oci://${sandbox.registryHost}/acme/charts`, '--plain-http']);
    unsigned = await skopeoDigest(ref('0.9.0'));
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('promotes a version to stable by digest, server-side, with an audit tag and a GitHub record', async () => {
    const result = await run(['promote', '--chart', 'web-app', '--version', '0.3.0', '--to', 'stable', '--manifest', manifestPath, '--json']);
    expect(result.exitCode, result.all).toBe(0);
    const [promoted] = JSON.parse(result.stdout).charts;
    expect(promoted).toMatchObject({ status: 'moved', digest: digest030, version: '0.3.0', tag: 'stable' });
    expect(await skopeoDigest(ref('stable'))).toBe(digest030);
    expect(promoted.install).toContain('--version 0.3.0');
    expect(await skopeoListTags(`${sandbox.registryHost}/acme/charts/web-app`)).toContain(promoted.auditTag);
    const octokit = new Octokit({ baseUrl: sandbox.github.url, auth: sandbox.github.token });
    const { data: release } = await octokit.rest.repos.getReleaseByTag({ owner: 'acme', repo: 'charts', tag: 'web-app-v0.3.0' });
    expect(release.body).toContain('### Promotion history');
    expect(release.body).toContain(`| \`stable\` | 0.3.0 | \`${digest030}\` |`);
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    expect(manifest.promotions).toEqual([expect.objectContaining({ kind: 'promote', channel: 'stable', digest: digest030, by: 'maintainer' })]);
  });

  it('creates a version tag once and refuses to move it to another digest', async () => {
    const first = await run(['promote', '--chart', 'web-app', '--digest', digest040, '--to', 'v0.4.0', '--json']);
    expect(first.exitCode, first.all).toBe(0);
    expect(await skopeoDigest(ref('v0.4.0'))).toBe(digest040);
    const again = await run(['promote', '--chart', 'web-app', '--digest', digest040, '--to', 'v0.4.0', '--json']);
    expect(JSON.parse(again.stdout).charts[0].status).toBe('unchanged');
    const other = await run(['promote', '--chart', 'web-app', '--digest', digest030, '--to', 'v0.4.0']);
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toContain('[IMMUTABLE_TAG]');
    expect(other.stderr).toContain('version tags never move');
    expect(await skopeoDigest(ref('v0.4.0'))).toBe(digest040);
  });

  it('refuses an unsigned digest and one signed by another identity before anything moves', async () => {
    const noSignature = await run(['promote', '--chart', 'web-app', '--digest', unsigned, '--to', 'stable']);
    expect(noSignature.exitCode).toBe(1);
    expect(noSignature.stderr).toMatch(/\[SIGNATURE_NOT_FOUND\]/);
    // someone else's workflow signs 0.9.0
    const stranger = createSigner({
      mode: 'sigstore',
      fulcioUrl: sandbox.sigstore!.fulcioUrl,
      rekorUrl: sandbox.sigstore!.rekorUrl,
      identityToken: sandbox.sigstore!.oidc.mintToken({ sub: 'https://github.com/mallory/charts/.github/workflows/x.yaml@refs/heads/main' }),
    });
    const client = new RegistryClient({ registry: sandbox.registryHost, plainHttp: true });
    await stranger.signByDigest({ registryClient: client, repository: 'acme/charts/web-app', digest: unsigned });
    const wrongSigner = await run(['promote', '--chart', 'web-app', '--digest', unsigned, '--to', 'stable']);
    expect(wrongSigner.exitCode).toBe(1);
    expect(wrongSigner.stderr).toMatch(/\[UNTRUSTED_SIGNER\]/);
    expect(await skopeoDigest(ref('stable'))).toBe(digest030);
  });

  it('states each preflight rule it enforces', async () => {
    const cases: [string[], RegExp][] = [
      [['--digest', digest040.slice(7), '--to', 'stable'], /DIGEST_INVALID.*lacks the 'sha256:' prefix/],
      [['--digest', `${digest040}00`, '--to', 'stable'], /DIGEST_INVALID.*66 hex characters/],
      [['--version', '0.4.0', '--to', 'nightly'], /TAG_POLICY.*--allow-non-semver/],
      [['--version', '0.4.0', '--to', 'bad tag!'], /TAG_INVALID/],
      [['--version', '7.7.7', '--to', 'stable'], /SOURCE_NOT_FOUND/],
      [['--digest', digest030, '--to', 'v9.9.9'], /TAG_VERSION_MISMATCH.*is version 0\.3\.0/],
      [['--digest', digest030, '--to', '0.6.0'], /TAG_VERSION_MISMATCH/],
      [['--version', '0.3.0', '--to', 'stable-promoted-20261123-100001', '--allow-non-semver'], /RESERVED_TAG/],
    ];
    // each is refused in preflight, before any write: they can all run at once
    const results = await Promise.all(cases.map(([args]) => run(['promote', '--chart', 'web-app', ...args])));
    for (const [i, [, message]] of cases.entries()) {
      expect(results[i]!.exitCode, results[i]!.all).toBe(1);
      expect(results[i]!.stderr).toMatch(message);
    }
    const allowed = await run(['promote', '--chart', 'web-app', '--version', '0.4.0', '--to', 'nightly', '--allow-non-semver', '--json']);
    expect(allowed.exitCode, allowed.all).toBe(0);
  });

  it('rolls back with and without a target, leaving an audit trail', async () => {
    expect((await run(['promote', '--chart', 'web-app', '--version', '0.4.0', '--to', 'stable'])).exitCode).toBe(0);
    expect(await skopeoDigest(ref('stable'))).toBe(digest040);
    await new Promise((r) => setTimeout(r, 1100)); // audit tags have one-second resolution
    const back = await run(['rollback', '--chart', 'web-app', '--channel', 'stable', '--json']);
    expect(back.exitCode, back.all).toBe(0);
    const result = JSON.parse(back.stdout).charts[0];
    expect(result).toMatchObject({ digest: digest030, previousDigest: digest040, status: 'moved' });
    expect(result.auditTag).toMatch(/^stable-rollback-\d{8}-\d{6}$/);
    expect(await skopeoDigest(ref('stable'))).toBe(digest030);
    await new Promise((r) => setTimeout(r, 1100));
    const named = await run(['rollback', '--chart', 'web-app', '--channel', 'stable', '--to', '0.4.0', '--json']);
    expect(named.exitCode, named.all).toBe(0);
    expect(await skopeoDigest(ref('stable'))).toBe(digest040);
    const tags = await skopeoListTags(`${sandbox.registryHost}/acme/charts/web-app`);
    expect(tags.filter((t) => t.startsWith('stable-rollback-'))).toHaveLength(2);
  });

  it('serialises a promotion and a rollback of one channel: the channel and its newest audit tag agree', async () => {
    expect((await run(['promote', '--chart', 'web-app', '--version', '0.3.0', '--to', 'staging'])).exitCode).toBe(0);
    const [promoted, rolledBack] = await Promise.all([
      run(['promote', '--chart', 'web-app', '--version', '0.4.0', '--to', 'staging', '--json']),
      run(['rollback', '--chart', 'web-app', '--channel', 'staging', '--json']),
    ]);
    expect(promoted.exitCode, promoted.all).toBe(0);
    // rolled back after the promotion (to 0.3.0), or before it, when there was nothing to roll back to yet
    expect(rolledBack.exitCode === 0 || rolledBack.stderr.includes('NO_ROLLBACK_TARGET'), rolledBack.all).toBe(true);
    const client = new RegistryClient({ registry: sandbox.registryHost, plainHttp: true });
    const history = await channelHistory(promotionRegistry(client), 'acme/charts/web-app', 'staging');
    expect(new Set(history.map((h) => h.tag)).size).toBe(history.length);
    expect(await skopeoDigest(ref('staging'))).toBe(history[0]!.digest);
    expect(history[0]!.digest).toBe(rolledBack.exitCode === 0 ? digest030 : digest040);
    // both took the channel's lease in GitHub, one after the other
    const leases = sandbox.github.state.repos
      .find((r) => r.name === 'charts')!
      .refs.filter((r) => r.ref.startsWith('refs/chart-release/leases/promote-web-app-staging/'));
    expect(leases.map((r) => r.ref)).toEqual(['refs/chart-release/leases/promote-web-app-staging/3']);
  });

  it('publishes the drafts of a two-phase release only when promoted', async () => {
    await sandbox.push('web-app 0.5.0', async (repo) => {
      await repo.write('charts/web-app/Chart.yaml', (await repo.read('charts/web-app/Chart.yaml')).replace(/^version: .*$/m, 'version: 0.5.0'));
    });
    const drafted = await run(['publish', '--phase', 'publish', '--json', '--work-dir', '.phase']);
    expect(drafted.exitCode, drafted.all).toBe(0);
    expect(JSON.parse(drafted.stdout).charts[0]).toMatchObject({ name: 'web-app', status: 'drafted' });
    const octokit = new Octokit({ baseUrl: sandbox.github.url, auth: sandbox.github.token });
    const draft = (await octokit.rest.repos.listReleases({ owner: 'acme', repo: 'charts' })).data.find((r) => r.name === 'web-app: v0.5.0');
    expect(draft?.draft).toBe(true);
    const phaseManifest = join(sandbox.repo.dir, '.phase', 'release-manifest.json');
    const promoted = await run(['promote', '--publish-drafts', '--manifest', phaseManifest, '--to', 'latest', '--json']);
    expect(promoted.exitCode, promoted.all).toBe(0);
    const { data: release } = await octokit.rest.repos.getReleaseByTag({ owner: 'acme', repo: 'charts', tag: 'web-app-v0.5.0' });
    expect(release.draft).toBe(false);
    expect(await skopeoDigest(ref('latest'))).toBe(await skopeoDigest(ref('0.5.0')));
    // the version published in the second phase is in the Helm repository index too
    const index = await fetch(`${sandbox.github.pagesSiteUrl(sandbox.owner, sandbox.name)}index.yaml`);
    expect(index.status).toBe(200);
    expect((parse(await index.text()) as { entries: Record<string, { version: string }[]> }).entries['web-app']!.map((e) => e.version)).toContain('0.5.0');
  });

  it('verifies the release manifest, and fails a tampered one', async () => {
    const ok = await run(['verify', manifestPath, '--json']);
    expect(ok.exitCode, ok.all).toBe(0);
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    manifest.artifacts[0].package.sha256 = 'f'.repeat(64);
    const tampered = join(sandbox.repo.dir, 'tampered-manifest.json');
    await writeFile(tampered, JSON.stringify(manifest));
    const bad = await run(['verify', tampered, '--json']);
    expect(bad.exitCode).toBe(1);
    const report = JSON.parse(bad.stdout);
    expect(report).toMatchObject({ ok: false, errors: [{ code: 'RELEASE_MANIFEST_MISMATCH', chart: manifest.artifacts[0].name }], warnings: [] });
    expect(report.charts[0].checks.find((c: { check: string }) => c.check === 'package')).toMatchObject({ ok: false });
    expect(bad.stderr).toContain('chart-release verify: [RELEASE_MANIFEST_MISMATCH]');
    const regenerated = await run(['manifest', 'generate', '--out', join(sandbox.repo.dir, 'regenerated.json'), '--json']);
    expect(regenerated.exitCode, regenerated.all).toBe(0);
    expect((await run(['manifest', 'verify', join(sandbox.repo.dir, 'regenerated.json')])).exitCode).toBe(0);
  });
});
