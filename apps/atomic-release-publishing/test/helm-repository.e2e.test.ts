import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { isolatedHelm, startReleaseSandbox, type IsolatedHelm, type ReleaseSandbox } from '@chart-release/testkit';
import { chartRelease } from './run-cli.ts';

const RELEASED = { 'api-service': '1.4.0', 'common-lib': '1.0.0', 'web-app': '0.3.0' };

type Index = { entries: Record<string, { version: string; digest: string; urls: string[] }[]> };

describe('the Helm repository on GitHub Pages after publish', () => {
  let sandbox: ReleaseSandbox;
  let octokit: Octokit;
  let helm3: IsolatedHelm;

  beforeAll(async () => {
    [sandbox, helm3] = await Promise.all([startReleaseSandbox({ signing: 'none' }), isolatedHelm(3)]);
    octokit = new Octokit({ baseUrl: sandbox.github.url, auth: sandbox.github.token });
  });
  afterAll(async () => {
    await Promise.all([sandbox?.stop(), helm3?.dispose()]);
  });

  const pagesIndex = async (): Promise<{ text: string; index: Index }> => {
    const res = await fetch(`${sandbox.github.pagesSiteUrl(sandbox.owner, sandbox.name)}index.yaml`);
    expect(res.status).toBe(200);
    const text = await res.text();
    return { text, index: parse(text) as Index };
  };

  it('helm v3 and v4 add the Pages URL, find every released version and pull the bytes the index and the release name', async () => {
    const run = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(run.exitCode, run.all).toBe(0);
    const { index } = await pagesIndex();
    const { data: releases } = await octokit.rest.repos.listReleases({ owner: sandbox.owner, repo: sandbox.name });
    const url = sandbox.github.pagesSiteUrl(sandbox.owner, sandbox.name);
    for (const helm of [sandbox.helm, helm3]) {
      await helm.run(['repo', 'add', 'acme', url]);
      const found = JSON.parse((await helm.run(['search', 'repo', 'acme/', '--versions', '--devel', '-o', 'json'])).stdout) as {
        name: string;
        version: string;
      }[];
      expect(found.map((f) => `${f.name}@${f.version}`).sort()).toEqual(Object.entries(RELEASED).map(([n, v]) => `acme/${n}@${v}`));
      for (const [chart, version] of Object.entries(RELEASED)) {
        const dir = await mkdtemp(join(tmpdir(), `pull-${helm.major}-`));
        await mkdir(dir, { recursive: true });
        await helm.run(['pull', `acme/${chart}`, '--version', version, '--destination', dir]);
        const sha = createHash('sha256')
          .update(await readFile(join(dir, `${chart}-${version}.tgz`)))
          .digest('hex');
        expect(index.entries[chart]![0]!.digest).toBe(sha);
        const asset = releases.find((r) => r.tag_name === `${chart}-v${version}`)!.assets.find((a) => a.name === `${chart}-${version}.tgz`)!;
        expect(asset.digest).toBe(`sha256:${sha}`);
        expect(index.entries[chart]![0]!.urls).toEqual([asset.browser_download_url]);
      }
    }
  });

  it('a run stopped after publishing the releases is finished by a re-run that writes only the index', async () => {
    const head = await sandbox.push('web-app 0.3.1', async (repo) => {
      await repo.write('charts/web-app/Chart.yaml', (await repo.read('charts/web-app/Chart.yaml')).replace(/^version:.*$/m, 'version: 0.3.1'));
    });
    expect(head).toBeTruthy();
    // GitHub fails every blob write: the releases get published, the index does not
    sandbox.github.setFaults({ failNext: 1000, routes: ['git/create-blob'] });
    const stopped = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    sandbox.github.setFaults({});
    expect(stopped.exitCode, stopped.all).toBe(1);
    expect(JSON.parse(stopped.stdout).errors).toEqual([expect.objectContaining({ code: 'GITHUB_UNAVAILABLE', message: expect.stringContaining('gh-pages') })]);
    const { data: release } = await octokit.rest.repos.getReleaseByTag({ owner: sandbox.owner, repo: sandbox.name, tag: 'web-app-v0.3.1' });
    expect(release.draft).toBe(false);
    expect((await pagesIndex()).index.entries['web-app']!.map((e) => e.version)).toEqual(['0.3.0']);
    const before = (await pagesIndex()).text;

    const from = sandbox.github.requests.length;
    const rerun = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(rerun.exitCode, rerun.all).toBe(0);
    const report = JSON.parse(rerun.stdout) as { charts: { name: string; push?: string }[] };
    expect(report.charts.find((c) => c.name === 'web-app')?.push).toBe('exists');
    // the run lease (refs/chart-release/leases/..., an annotated tag object) aside, the only writes are the index commit
    const lease = (r: { path: string; body?: unknown }) =>
      decodeURIComponent(r.path).includes('/git/refs/chart-release/') ||
      r.path.endsWith('/git/tags') ||
      JSON.stringify(r.body ?? '').includes('refs/chart-release/');
    const writes = sandbox.github.requests.slice(from).filter((r) => r.method !== 'GET' && r.method !== 'HEAD' && !lease(r));
    expect(writes.map((w) => `${w.operationId} ${w.status}`)).toEqual([
      'git/create-blob 201',
      'git/create-tree 201',
      'git/create-commit 201',
      'git/update-ref 200',
    ]);
    expect(decodeURIComponent(writes.at(-1)!.path)).toMatch(/\/git\/refs\/heads\/gh-pages$/);
    const after = await pagesIndex();
    expect(after.index.entries['web-app']!.map((e) => e.version)).toEqual(['0.3.1', '0.3.0']);
    // the entries already there are the same bytes
    expect(after.text).toContain(before.slice(before.indexOf('  api-service:'), before.indexOf('  web-app:')));
  });

  it('index completes a damaged index from the releases, and --rebuild drops entries without a release only with --prune', async () => {
    // the index on gh-pages lost web-app 0.3.1 and holds a version no release has
    const repo = { owner: sandbox.owner, repo: sandbox.name };
    const damaged = parse((await pagesIndex()).text) as Index & { entries: Record<string, Record<string, unknown>[]> };
    damaged.entries['web-app'] = damaged.entries['web-app']!.filter((e) => e.version !== '0.3.1');
    damaged.entries['ghost'] = [{ ...damaged.entries['web-app']![0]!, name: 'ghost', version: '9.9.9', urls: ['https://example.com/ghost-9.9.9.tgz'] }];
    const { data: ref } = await octokit.rest.git.getRef({ ...repo, ref: 'heads/gh-pages' });
    const { data: blob } = await octokit.rest.git.createBlob({ ...repo, content: stringify(damaged), encoding: 'utf-8' });
    const { data: tree } = await octokit.rest.git.createTree({ ...repo, tree: [{ path: 'index.yaml', mode: '100644', type: 'blob', sha: blob.sha }] });
    const { data: commit } = await octokit.rest.git.createCommit({ ...repo, message: 'damage', tree: tree.sha, parents: [ref.object.sha] });
    await octokit.rest.git.updateRef({ ...repo, ref: 'heads/gh-pages', sha: commit.sha });
    const versions = async () =>
      Object.entries((await pagesIndex()).index.entries)
        .flatMap(([name, list]) => list.map((e) => `${name}@${e.version}`))
        .sort();
    const damagedVersions = await versions();
    const indexCli = async (args: string[]) => {
      const from = sandbox.github.requests.length;
      const run = await chartRelease(['index', ...args, '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
      const commits = sandbox.github.requests.slice(from).filter((r) => r.operationId === 'git/create-commit');
      return { run, report: JSON.parse(run.stdout), commits: commits.length };
    };

    const dry = await indexCli(['--dry-run']);
    expect(dry.run.exitCode, dry.run.all).toBe(0);
    expect(dry.report.charts.map((c: { name: string; version: string; change: string }) => `${c.change} ${c.name}@${c.version}`)).toEqual([
      'added web-app@0.3.1',
    ]);
    expect(dry.commits).toBe(0);
    expect(await versions()).toEqual(damagedVersions);

    const completed = await indexCli([]);
    expect(completed.run.exitCode, completed.run.all).toBe(0);
    expect(completed.commits).toBe(1);
    expect(await versions()).toEqual(['api-service@1.4.0', 'common-lib@1.0.0', 'ghost@9.9.9', 'web-app@0.3.0', 'web-app@0.3.1']);

    const refused = await indexCli(['--rebuild']);
    expect(refused.run.exitCode).toBe(1);
    expect(refused.report.errors).toEqual([
      expect.objectContaining({ code: 'INDEX_WOULD_SHRINK', message: expect.stringContaining('ghost'), hint: expect.stringContaining('--prune') }),
    ]);
    expect(refused.commits).toBe(0);

    const pruned = await indexCli(['--rebuild', '--prune']);
    expect(pruned.run.exitCode, pruned.run.all).toBe(0);
    expect(pruned.report.charts.map((c: { name: string; version: string; change: string }) => `${c.change} ${c.name}@${c.version}`)).toEqual([
      'removed ghost@9.9.9',
    ]);
    expect(await versions()).toEqual(['api-service@1.4.0', 'common-lib@1.0.0', 'web-app@0.3.0', 'web-app@0.3.1']);
  });
});

describe('a repository chart-releaser released from', () => {
  let sandbox: ReleaseSandbox;
  let octokit: Octokit;
  let existingIndex: string;

  beforeAll(async () => {
    sandbox = await startReleaseSandbox({ charts: ['common-lib', 'web-app'], signing: 'none' });
    octokit = new Octokit({ baseUrl: sandbox.github.url, auth: sandbox.github.token });
    const repo = { owner: sandbox.owner, repo: sandbox.name };
    // what chart-releaser leaves: a release tagged {name}-{version} with the package, the git tag, and index.yaml on gh-pages
    const dir = await mkdtemp(join(tmpdir(), 'cr-'));
    await sandbox.helm.run(['package', join(sandbox.repo.dir, 'charts/web-app'), '--destination', dir]);
    const tgz = await readFile(join(dir, 'web-app-0.3.0.tgz'));
    const { data: release } = await octokit.rest.repos.createRelease({
      ...repo,
      tag_name: 'web-app-0.3.0',
      name: 'web-app-0.3.0',
      target_commitish: sandbox.head,
    });
    const { data: asset } = await octokit.rest.repos.uploadReleaseAsset({
      ...repo,
      release_id: release.id,
      name: 'web-app-0.3.0.tgz',
      data: tgz as unknown as string,
      headers: { 'content-type': 'application/gzip', 'content-length': tgz.length },
      baseUrl: release.upload_url.replace(/\/repos\/.*$/, ''),
    });
    await sandbox.repo.git('tag', 'web-app-0.3.0', sandbox.head);
    await sandbox.helm.run(['repo', 'index', dir, '--url', asset.browser_download_url.replace(/\/web-app-0\.3\.0\.tgz$/, '')]);
    existingIndex = await readFile(join(dir, 'index.yaml'), 'utf8');
    const { data: blob } = await octokit.rest.git.createBlob({ ...repo, content: existingIndex, encoding: 'utf-8' });
    const { data: tree } = await octokit.rest.git.createTree({ ...repo, tree: [{ path: 'index.yaml', mode: '100644', type: 'blob', sha: blob.sha }] });
    const { data: commit } = await octokit.rest.git.createCommit({ ...repo, message: 'Update index.yaml', tree: tree.sha, parents: [] });
    await octokit.rest.git.createRef({ ...repo, ref: 'refs/heads/gh-pages', sha: commit.sha });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('releases only the new versions and adds them to its index, keeping its entries byte for byte', async () => {
    const run = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(run.exitCode, run.all).toBe(0);
    const report = JSON.parse(run.stdout) as { charts: { name: string; status: string; why?: string }[] };
    expect(report.charts.map((c) => [c.name, c.status, c.why])).toEqual([
      ['common-lib', 'published', 'changed, version 0.0.1 -> 1.0.0'],
      ['web-app', 'not-released', 'already released as web-app-0.3.0'],
    ]);
    const { data: releases } = await octokit.rest.repos.listReleases({ owner: sandbox.owner, repo: sandbox.name });
    expect(releases.map((r) => r.tag_name).sort()).toEqual(['common-lib-v1.0.0', 'web-app-0.3.0']);
    // not pushed again either: the registry has no web-app
    const tags = await fetch(`http://${sandbox.registryHost}/v2/acme/charts/web-app/tags/list`);
    expect(tags.status).toBe(404);
    const res = await fetch(`${sandbox.github.pagesSiteUrl(sandbox.owner, sandbox.name)}index.yaml`);
    const text = await res.text();
    const webApp = existingIndex.slice(existingIndex.indexOf('  web-app:'), existingIndex.indexOf('generated:'));
    expect(text).toContain(webApp);
    expect(text.replace(/ {2}common-lib:\n(?: {2}[- ].*\n| {4}.*\n)*/, '').replace(/generated: .*/, '')).toBe(existingIndex.replace(/generated: .*/, ''));
    expect(Object.keys((parse(text) as Index).entries)).toEqual(['common-lib', 'web-app']);
  });
});
