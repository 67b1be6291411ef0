import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startReleaseSandbox, skopeoDigest, writeChart, type ReleaseSandbox } from '@chart-release/testkit';
import { inAdopter } from './adopter-env.ts';

const adopterDir = inject('adopterDir');
const actionEntry = join(adopterDir, 'node_modules', '@chart-release', 'atomic-release-publishing', 'dist', 'action.js');

/** Reads a $GITHUB_OUTPUT file (`name<<delimiter` blocks) into name -> value. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const re = /^(.+?)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) outputs[m[1]!] = m[3]!;
  return outputs;
}

describe('the Action entry, run from the installed package as the runner runs it', () => {
  let sandbox: ReleaseSandbox;
  let charts: string;
  let runnerTemp: string;

  beforeAll(async () => {
    // a chart repository of another organisation, with charts that are not this repository's examples
    charts = await mkdtemp(join(tmpdir(), 'adopter-charts-'));
    await writeChart(join(charts, 'billing'), { name: 'billing', version: '2.3.0', docs: true });
    await writeChart(join(charts, 'shared-labels'), { name: 'shared-labels', version: '0.2.0', type: 'library', docs: true });
    runnerTemp = await mkdtemp(join(tmpdir(), 'runner-temp-'));
    sandbox = await startReleaseSandbox({ sourceDir: charts, charts: ['billing', 'shared-labels'], owner: 'example-org', name: 'platform-charts' });
  });
  afterAll(async () => {
    await sandbox?.stop();
    await Promise.all([charts, runnerTemp].map((d) => d && rm(d, { recursive: true, force: true })));
  });

  async function runStep(id: string, inputs: Record<string, string>) {
    const output = join(runnerTemp, `${id}.output`);
    const summary = join(runnerTemp, `${id}.summary.md`);
    await Promise.all([writeFile(output, ''), writeFile(summary, '')]);
    const { GITHUB_TOKEN: _fromInput, ...jobEnv } = sandbox.env;
    const env: Record<string, string> = {
      ...jobEnv,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: sandbox.repo.dir,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      RUNNER_TEMP: runnerTemp,
      // as the runner names them: INPUT_ + upper-cased input name, hyphens kept
      ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    };
    const run = await execa('node', [actionEntry], inAdopter(adopterDir, env, sandbox.repo.dir));
    return { run, outputs: parseOutputs(await readFile(output, 'utf8')), summary: await readFile(summary, 'utf8') };
  }

  const common = () => ({
    token: sandbox.github.token,
    registry: sandbox.registryUrl,
    'plain-http': 'true',
    'chart-dirs': 'charts',
    signing: 'sigstore',
    concurrency: '2',
    'dry-run': 'false',
    'keep-drafts': 'false',
  });

  it('plan writes the charts and the job matrix, the summary, and nothing to the registry or GitHub', async () => {
    const { run, outputs, summary } = await runStep('plan', { ...common(), command: 'plan' });
    expect(run.exitCode, run.all).toBe(0);
    expect(JSON.parse(outputs.charts!)).toEqual(['billing', 'shared-labels']);
    expect(JSON.parse(outputs.matrix!)).toEqual({
      include: [
        { chart: 'billing', path: 'charts/billing', version: '2.3.0' },
        { chart: 'shared-labels', path: 'charts/shared-labels', version: '0.2.0' },
      ],
    });
    expect(summary).toContain('## Chart release plan: 2 charts would be released');
    expect(sandbox.github.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(run.all!.replace(`::add-mask::${sandbox.github.token}`, '')).not.toContain(sandbox.github.token);
  });

  it('publish releases both charts and writes released, manifest and the summary', async () => {
    const { run, outputs, summary } = await runStep('publish', { ...common(), command: 'publish' });
    expect(run.exitCode, run.all).toBe(0);
    const released = JSON.parse(outputs.released!) as { name: string; version: string; digest: string }[];
    expect(released.map((c) => [c.name, c.version])).toEqual([
      ['billing', '2.3.0'],
      ['shared-labels', '0.2.0'],
    ]);
    for (const c of released) expect(await skopeoDigest(`${sandbox.registryHost}/example-org/platform-charts/${c.name}:${c.version}`)).toBe(c.digest);
    expect(existsSync(outputs.manifest!)).toBe(true);
    const manifest = JSON.parse(await readFile(outputs.manifest!, 'utf8'));
    expect(manifest.artifacts.map((a: { name: string }) => a.name)).toEqual(['billing', 'shared-labels']);
    expect(summary).toContain('Charts released');
    expect(summary).toContain('billing');
    // the token came from the `token` input, is masked for the runner, and never printed
    expect(run.stdout).toContain('::add-mask::');
    expect(run.all!.replace(`::add-mask::${sandbox.github.token}`, '')).not.toContain(sandbox.github.token);
    const releases = sandbox.github.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/releases'));
    expect(releases).toHaveLength(2);
  });

  it('a wrong input value fails the step as a usage error naming the input', async () => {
    const { run } = await runStep('bad', { ...common(), command: 'publish', 'dry-run': 'yes please' });
    expect(run.exitCode).toBe(2);
    expect(run.all).toContain("input 'dry-run'");
  });
});
