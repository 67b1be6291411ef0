// The Action as a workflow pinned to a commit gets it: the files of HEAD alone (git archive, no node_modules,
// nothing installed), action.yml's runs.main run by a plain Node with the runner's environment.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNodeAction, skopeoDigest, startReleaseSandbox, writeChart, type ReleaseSandbox } from '@chart-release/testkit';

describe('the Action run from the files of its pinned commit', () => {
  let checkout: string;
  let charts: string;
  let sandbox: ReleaseSandbox;
  let jobEnv: Record<string, string>;

  beforeAll(async () => {
    const repoRoot = (await execa('git', ['rev-parse', '--show-toplevel'], { cwd: import.meta.dirname })).stdout;
    checkout = await mkdtemp(join(tmpdir(), 'action-at-head-'));
    await execa('bash', ['-c', `git -C "${repoRoot}" archive HEAD | tar -x -C "${checkout}"`]);
    charts = await mkdtemp(join(tmpdir(), 'pinned-action-charts-'));
    await writeChart(join(charts, 'billing'), { name: 'billing', version: '2.3.0', docs: true });
    await writeChart(join(charts, 'shared-labels'), { name: 'shared-labels', version: '0.2.0', type: 'library', docs: true });
    sandbox = await startReleaseSandbox({ sourceDir: charts, charts: ['billing', 'shared-labels'], owner: 'example-org', name: 'platform-charts' });
    // what the job has: helm on PATH (setup-helm), the runner's variables; no GITHUB_TOKEN (the input carries it)
    const { GITHUB_TOKEN: _token, HELM_BINARY: _helm, ...env } = sandbox.env;
    jobEnv = { ...env, PATH: [dirname(sandbox.helm.binary), '/usr/local/bin', '/usr/bin', '/bin'].join(':'), HOME: checkout, RUNNER_TEMP: checkout };
  });
  afterAll(async () => {
    await sandbox?.stop();
    await Promise.all([checkout, charts].map((d) => d && rm(d, { recursive: true, force: true })));
  });

  const step = (inputs: Record<string, string>) =>
    runNodeAction({
      actionDir: checkout,
      workspace: sandbox.repo.dir,
      githubToken: sandbox.github.token,
      env: jobEnv,
      // as the README's `oci://ghcr.io/${{ github.repository_owner }}/charts` gives it for a mixed-case owner
      with: { registry: `oci://${sandbox.registryHost}/Example-Org/platform-charts`, 'plain-http': 'true', ...inputs },
    });

  it('is a node24 action whose entry is checked in, with nothing to install', async () => {
    const metadata = parse(await readFile(join(checkout, 'action.yml'), 'utf8')) as { runs: { using: string; main: string; steps?: unknown } };
    expect(metadata.runs).toEqual({ using: 'node24', main: 'bundle/action.mjs' });
    expect(existsSync(join(checkout, metadata.runs.main))).toBe(true);
    expect(existsSync(join(checkout, 'node_modules'))).toBe(false);
  });

  it('plan writes the charts, the matrix and the legs, and nothing to the registry, GitHub or the repository', async () => {
    const status = (await sandbox.repo.git('status', '--porcelain', '--untracked-files=all')).trim();
    const { result, outputs, summary } = await step({ command: 'plan' });
    expect(result.exitCode, result.all).toBe(0);
    expect(JSON.parse(outputs.charts!)).toEqual(['billing', 'shared-labels']);
    expect(JSON.parse(outputs.matrix!).include.map((c: { chart: string }) => c.chart)).toEqual(['billing', 'shared-labels']);
    expect(JSON.parse(outputs.legs!)).toEqual({
      include: [
        { leg: 'billing', charts: ['billing'], args: '--chart billing' },
        { leg: 'shared-labels', charts: ['shared-labels'], args: '--chart shared-labels' },
      ],
    });
    // as the reusable workflow's plan job calls it: at most --max-legs legs, a leg taking several charts beyond that
    const capped = await step({ command: 'plan', args: '--max-legs 1' });
    expect(capped.result.exitCode, capped.result.all).toBe(0);
    expect(JSON.parse(capped.outputs.legs!).include).toEqual([
      { leg: 'legs-1-of-1', charts: ['billing', 'shared-labels'], args: '--chart billing --chart shared-labels' },
    ]);
    expect(summary).toContain('billing');
    expect(sandbox.github.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect((await sandbox.repo.git('status', '--porcelain', '--untracked-files=all')).trim()).toBe(status);
  });

  it('publish pushes (to the lower-cased repository path), signs and releases both charts; the outputs name what the registry holds', async () => {
    const { result, outputs, summary } = await step({ command: 'publish' });
    expect(result.exitCode, result.all).toBe(0);
    const released = JSON.parse(outputs.released!) as { name: string; version: string; digest: string }[];
    expect(released.map((c) => `${c.name}@${c.version}`)).toEqual(['billing@2.3.0', 'shared-labels@0.2.0']);
    for (const c of released) expect(await skopeoDigest(`${sandbox.registryHost}/example-org/platform-charts/${c.name}:${c.version}`)).toBe(c.digest);
    expect(existsSync(outputs.manifest!)).toBe(true);
    expect(summary).toContain(released[0]!.digest);
    // the token came from the input's default, is masked, and never printed otherwise
    expect(result.stdout).toContain(`::add-mask::${sandbox.github.token}`);
    expect(result.all!.replaceAll(`::add-mask::${sandbox.github.token}`, '')).not.toContain(sandbox.github.token);
    const releases = sandbox.github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/releases'));
    expect(releases).toHaveLength(2);
  });
});
