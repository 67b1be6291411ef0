import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GitHubEmulator } from '@chart-release/github-emulator';
import {
  ARTIFACTHUB_REPO_FILE,
  PagesBranch,
  parseHelmIndex,
  publishHelmIndex,
  renderArtifactHubRepo,
  type GitHubClient,
  type IndexAddition,
  type PublishIndexInput,
} from '../src/index.ts';
import { OWNER, publisherFor, REPO, startEmulator } from './fixtures.ts';

let emulator: GitHubEmulator;
beforeAll(async () => {
  emulator = await startEmulator();
});
afterAll(async () => {
  await emulator?.stop();
});
beforeEach(() => emulator.reset());

const repository = { owner: OWNER, repo: REPO };
const NOW = () => new Date('2026-12-01T21:00:00Z');

function addition(name: string, version: string, n: number): IndexAddition {
  return {
    name,
    version,
    digest: n.toString(16).padStart(64, '0'),
    url: `https://github.com/${OWNER}/${REPO}/releases/download/${name}-v${version}/${name}-${version}.tgz`,
    created: NOW(),
    chartYaml: { apiVersion: 'v2', name, version, description: `The ${name} chart` },
  };
}

function input(octokit: GitHubClient, additions: IndexAddition[], more: Partial<PublishIndexInput> = {}): PublishIndexInput {
  return { octokit, repository, additions, now: NOW, backoffMs: () => 0, ...more };
}

async function indexOnBranch(octokit: GitHubClient): Promise<string> {
  const snapshot = await new PagesBranch({ octokit, repository, branch: 'gh-pages' }).read(['index.yaml']);
  return snapshot.files.get('index.yaml')!;
}

describe('the Helm index on the Pages branch', () => {
  it('creates gh-pages as an orphan branch with the index and artifacthub-repo.yml, then adds to it without touching the rest', async () => {
    const { octokit } = publisherFor(emulator);
    const artifactHub = { path: ARTIFACTHUB_REPO_FILE, content: renderArtifactHubRepo({ repositoryID: '5c2d6ef8-5a8b-4a3f-9d9d-6f2d1f3b1a10' }) };
    const first = await publishHelmIndex(input(octokit, [addition('web-app', '1.0.0', 1)], { files: [artifactHub] }));
    expect(first).toMatchObject({ createdBranch: true, written: ['index.yaml', ARTIFACTHUB_REPO_FILE], attempts: 1 });
    const { data: root } = await octokit.rest.git.getCommit({ ...repository, commit_sha: first.commit! });
    expect(root.parents).toEqual([]);
    // made by GitHub for the token, no author of ours: signed and verified, as rulesets requiring signed commits want
    expect(root.verification).toMatchObject({ verified: true });
    const before = await indexOnBranch(octokit);

    const second = await publishHelmIndex(input(octokit, [addition('web-app', '1.1.0', 2), addition('web-app', '1.0.0', 1)], { files: [artifactHub] }));
    expect(second).toMatchObject({ createdBranch: false, written: ['index.yaml'], added: [{ version: '1.1.0' }], unchanged: [{ version: '1.0.0' }] });
    const { data: next } = await octokit.rest.git.getCommit({ ...repository, commit_sha: second.commit! });
    expect(next.parents.map((p) => p.sha)).toEqual([first.commit]);
    const after = await indexOnBranch(octokit);
    expect(parseHelmIndex(after).entries.map((e) => e.version)).toEqual(['1.1.0', '1.0.0']);
    // the old entry's lines are still there, unchanged
    expect(after).toContain(before.slice(before.indexOf('  - apiVersion'), before.indexOf('generated:')));

    // nothing new: nothing written
    expect(await publishHelmIndex(input(octokit, [addition('web-app', '1.1.0', 2)], { files: [artifactHub] }))).toMatchObject({ commit: null, written: [] });
    expect(emulator.schemaViolations).toEqual([]);
  });

  it('two runs for different charts at the same time both end up in the index (the loser re-reads and re-merges)', async () => {
    const a = publisherFor(emulator).octokit;
    const b = publisherFor(emulator).octokit;
    await publishHelmIndex(input(a, [addition('base', '1.0.0', 9)]));
    // run A reads the branch, then run B writes before A moves the ref: A's update is not a fast forward
    let bDone: Promise<unknown> | undefined;
    a.hook.before('request', async (options) => {
      if (options.method === 'PATCH' && String(options.url).includes('/git/refs/') && !bDone) {
        bDone = publishHelmIndex(input(b, [addition('api', '2.0.0', 2)]));
        await bDone;
      }
    });
    const resultA = await publishHelmIndex(input(a, [addition('web', '3.0.0', 3)]));
    expect(resultA.attempts).toBe(2);
    const names = parseHelmIndex(await indexOnBranch(a)).entries.map((e) => `${e.name}@${e.version}`);
    expect(names).toEqual(['api@2.0.0', 'base@1.0.0', 'web@3.0.0']);
    expect(emulator.schemaViolations).toEqual([]);
  });

  it('GitHub refuses a ref update that is not a fast forward', async () => {
    const { octokit } = publisherFor(emulator);
    const first = await publishHelmIndex(input(octokit, [addition('web', '1.0.0', 1)]));
    const { data: tree } = await octokit.rest.git.createTree({ ...repository, tree: [{ path: 'other.txt', mode: '100644', type: 'blob', content: 'x' }] });
    const { data: orphan } = await octokit.rest.git.createCommit({ ...repository, message: 'unrelated', tree: tree.sha, parents: [] });
    await expect(octokit.rest.git.updateRef({ ...repository, ref: 'heads/gh-pages', sha: orphan.sha, force: false })).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('Update is not a fast forward'),
    });
    expect((await octokit.rest.git.getRef({ ...repository, ref: 'heads/gh-pages' })).data.object.sha).toBe(first.commit);
  });

  it('refuses a write that would lose entries unless pruning, and an index that does not validate', async () => {
    const { octokit } = publisherFor(emulator);
    await publishHelmIndex(input(octokit, [addition('web', '1.0.0', 1), addition('web', '1.1.0', 2)]));
    await expect(publishHelmIndex(input(octokit, [addition('web', '1.1.0', 2)], { mode: 'rebuild' }))).rejects.toMatchObject({
      code: 'INDEX_WOULD_SHRINK',
      message: expect.stringContaining('web@1.0.0'),
    });
    const pruned = await publishHelmIndex(input(octokit, [addition('web', '1.1.0', 2)], { mode: 'rebuild', prune: true }));
    expect(pruned.removed.map((e) => e.version)).toEqual(['1.0.0']);
    expect(parseHelmIndex(await indexOnBranch(octokit)).entries).toHaveLength(1);

    await expect(publishHelmIndex(input(octokit, [{ ...addition('api', '1.0.0', 3), url: '' }]))).rejects.toMatchObject({
      errors: [expect.objectContaining({ code: 'INDEX_INVALID', message: expect.stringContaining('entry api 1.0.0 has no download URL') })],
    });
    await publishHelmIndex(input(octokit, [], { files: [{ path: 'index.yaml', content: 'apiVersion: v1\nentries: [\n' }] }));
    await expect(publishHelmIndex(input(octokit, [addition('api', '1.0.0', 3)]))).rejects.toMatchObject({ code: 'INDEX_INVALID' });
  });

  it('reports the size and warns past the ceiling', async () => {
    const { octokit, logger } = publisherFor(emulator);
    const result = await publishHelmIndex(input(octokit, [addition('web', '1.0.0', 1)], { sizeWarningBytes: 100, logger }));
    expect(result.bytes).toBeGreaterThan(100);
    expect(result.warnings).toEqual([expect.stringMatching(/^INDEX_LARGE: index.yaml is 0\.0 MiB/)]);
  });
});
