import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryLogger } from '@chart-release/core';
import { startGitHubEmulator, type GitHubEmulator } from '@chart-release/github-emulator';
import { createGitHubClient, planReleaseAssets, ReleasePublisher, type AssetKind, type GitHubClient, type ReleaseFiles } from '../src/index.ts';

export const OWNER = 'acme';
export const REPO = 'charts';
export const RELEASE_SHA = 'c0ffee'.padEnd(40, '0');

/** A GitHub emulator in strict schema mode with one repository whose release commit is RELEASE_SHA (`enterprise`: served as GitHub Enterprise Server). */
export async function startEmulator(options: { enterprise?: boolean } = {}): Promise<GitHubEmulator> {
  return startGitHubEmulator({
    ...options,
    strict: true,
    rateLimit: false,
    seed: {
      repos: [
        {
          owner: OWNER,
          name: REPO,
          commits: [
            { sha: 'ba5e'.padEnd(40, '0'), message: 'charts' },
            { sha: RELEASE_SHA, message: 'release web-app' },
          ],
        },
      ],
    },
  });
}

/** A publisher on a fresh client: no write pacing and millisecond retry waits, so tests stay fast. */
export function publisherFor(emulator: GitHubEmulator): { publisher: ReleasePublisher; octokit: GitHubClient; logger: ReturnType<typeof memoryLogger> } {
  const logger = memoryLogger();
  const octokit = createGitHubClient({ token: emulator.token, baseUrl: emulator.url, logger, throttle: { writeIntervalMs: 0 }, retryUnitMs: 5 });
  return { publisher: new ReleasePublisher({ octokit, logger }), octokit, logger };
}

/** A chart's release files on disk: package, signature, bundle, lineage and docs. */
export async function chartFiles(chart: string, version: string, dir?: string): Promise<Required<ReleaseFiles> & { dir: string }> {
  const root = dir ?? (await mkdtemp(join(tmpdir(), `release-${chart}-`)));
  await mkdir(root, { recursive: true });
  const write = async (name: string, content: string | Buffer) => {
    await writeFile(join(root, name), content);
    return join(root, name);
  };
  return {
    dir: root,
    package: await write(`${chart}-${version}.tgz`, randomBytes(2048)),
    signature: await write(`${chart}-${version}.tgz.sig`, randomBytes(96).toString('base64')),
    bundle: await write(`${chart}-${version}.tgz.sigstore.json`, JSON.stringify({ mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' })),
    lineage: await write(`${chart}-attestation-lineage.json`, JSON.stringify({ schemaVersion: 1, chart, version, attestations: [] })),
    changelog: await write('CHANGELOG.md', `# Changelog\n\n## [${version}] - 2026-01-12\n\n- ${chart} ${version}.\n`),
    readme: await write('README.md', `# ${chart}\n`),
    license: await write('LICENSE', 'Apache License 2.0\n'),
  };
}

export async function plannedAssets(chart: string, files: ReleaseFiles, required: AssetKind[] = ['package']) {
  const plan = await planReleaseAssets({ chart, files, required });
  if (plan.errors.length) throw plan.errors[0];
  return plan.assets;
}

/** Requests the emulator saw after `from` (an index into its log), as `METHOD operationId status`. */
export function requestsSince(emulator: GitHubEmulator, from: number): string[] {
  return emulator.requests.slice(from).map((r) => `${r.method} ${r.operationId ?? r.path} ${r.status}${r.fault ? ` ${r.fault}` : ''}`);
}
