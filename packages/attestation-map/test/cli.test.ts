import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startGitHubEmulator, type GitHubEmulator } from '@chart-release/github-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateLineageData } from '../src/index.ts';
import { BOT, chartEntry, digestOf, mapMarkdown, shaOf } from './fixtures.ts';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const BUILD = digestOf('cli build');
const OCI = digestOf('cli oci');
const MERGE = shaOf('cli merge');
let emulator: GitHubEmulator;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    GITHUB_API_URL: emulator.url,
    GITHUB_TOKEN: emulator.token,
    GITHUB_REPOSITORY: 'acme/charts',
    GITHUB_ACTIONS: '',
    GITHUB_SHA: '',
  };
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--conditions=@chart-release/source', CLI, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  emulator = await startGitHubEmulator({
    strict: true,
    seed: {
      repos: [
        {
          owner: 'acme',
          name: 'charts',
          commits: [
            { message: 'base' },
            { sha: shaOf('cli head'), message: 'bump' },
            { sha: MERGE, message: 'merge' },
            { sha: shaOf('cli direct'), message: 'direct' },
          ],
          pulls: [
            {
              number: 4,
              title: 'web-app: 2.0.0',
              head: { sha: shaOf('cli head'), ref: 'bump' },
              base: { ref: 'release' },
              merged: true,
              merge_commit_sha: MERGE,
              comments: [{ body: mapMarkdown({ 'web-app': chartEntry('2.0.0', BUILD) }), user: BOT }],
              reviews: [{ user: { login: 'amy' }, state: 'APPROVED', commit_id: shaOf('cli head') }],
            },
          ],
        },
      ],
    },
  });
});

afterAll(async () => {
  await emulator?.stop();
});

describe('attestation-map CLI', () => {
  it('writes one lineage file per chart and prints the result as JSON, never the token', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lineage-cli-'));
    const { code, stdout, stderr } = await cli(['--sha', MERGE, '--charts', `web-app@2.0.0@${OCI}`, '--out', out, '--json']);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.files).toEqual({ 'web-app': join(out, 'web-app-attestation-lineage.json') });
    const written = JSON.parse(await readFile(result.files['web-app'], 'utf8'));
    expect(result).toMatchObject({ ok: true, errors: [], warnings: [] });
    expect(written).toEqual(result.charts[0]);
    expect(validateLineageData(written)).toEqual([]);
    expect(written).toMatchObject({ chart: 'web-app', tag: 'web-app-v2.0.0', ociDigest: OCI, pullRequest: { number: 4, approvedBy: [{ login: 'amy' }] } });
    expect(written.attestations).toHaveLength(2);
    expect(`${stdout}${stderr}`).not.toContain(emulator.token);
    expect(emulator.schemaViolations).toEqual([]);
  });

  it('writes nothing with --dry-run', async () => {
    const out = await mkdtemp(join(tmpdir(), 'lineage-cli-'));
    const { code, stdout } = await cli(['--sha', MERGE, '--charts', 'web-app@2.0.0', '--out', out, '--dry-run']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/web-app 2\.0\.0 {2}attestations: 2 {2}approved by: amy/);
    expect(await readdir(out)).toEqual([]);
  });

  it('shows the pull request and its map without --charts', async () => {
    const { code, stdout } = await cli(['--sha', MERGE]);
    expect(code).toBe(0);
    expect(stdout).toContain('PR #4 "web-app: 2.0.0" merged into release');
    expect(stdout).toMatch(/map: comment by github-actions\[bot\]/);
    expect(stdout).toContain('web-app 2.0.0: build, test');
  });

  it('exits 1 with a JSON error for a direct push, and 2 for bad usage', async () => {
    const direct = await cli(['--sha', shaOf('cli direct'), '--charts', 'web-app@2.0.0', '--on-missing-pr', 'fail', '--json']);
    expect(direct.code).toBe(1);
    expect(JSON.parse(direct.stdout)).toMatchObject({ ok: false, charts: [], errors: [{ code: 'NO_PULL_REQUEST' }], warnings: [] });
    expect(direct.stderr).toContain('[NO_PULL_REQUEST]');
    const warned = await cli(['--sha', shaOf('cli direct'), '--charts', 'web-app@2.0.0', '--json']);
    expect(warned.code).toBe(0);
    expect(JSON.parse(warned.stdout).charts[0].pullRequest).toBeNull();
    expect(JSON.parse(warned.stdout).warnings[0]).toMatch(/not brought by a merged pull request/);
    expect(warned.stderr).toMatch(/warning: commit .* not brought by a merged pull request/);
    expect((await cli(['--sha', MERGE, '--charts', 'web-app'])).code).toBe(2);
    expect((await cli(['--sha', MERGE, '--on-missing-pr', 'maybe'])).code).toBe(2);
  });

  it('prints its usage with --help', async () => {
    const { code, stdout } = await cli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage:\n  attestation-map --sha <commit>');
  });
});
