import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../src/index.ts';
import { chartRepoSeed, HEAD_SHA, MERGE_SHA, octokitFor, OWNER, REPO } from './fixtures.ts';

const repo = { owner: OWNER, repo: REPO };
let emulator: GitHubEmulator;

beforeAll(async () => {
  emulator = await startGitHubEmulator({ seed: chartRepoSeed() });
});
afterAll(async () => {
  await emulator?.stop();
  expect(emulator.schemaViolations).toEqual([]);
});

function statement(digestHex: string, predicateType = 'https://slsa.dev/provenance/v1') {
  const payload = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'app-1.0.0.tgz', digest: { sha256: digestHex } }],
    predicateType,
    predicate: {},
  };
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { certificate: { rawBytes: 'MIIB' } },
    dsseEnvelope: {
      payload: Buffer.from(JSON.stringify(payload)).toString('base64'),
      payloadType: 'application/vnd.in-toto+json',
      signatures: [{ sig: 'c2ln', keyid: '' }],
    },
  };
}

describe('repositories, commits and git refs', () => {
  it('serves the repository and its commits, newest first from the default branch', async () => {
    const octokit = octokitFor(emulator);
    const { data } = await octokit.repos.get(repo);
    expect(data).toMatchObject({ full_name: `${OWNER}/${REPO}`, default_branch: 'main', private: false, owner: { login: OWNER } });
    const commits = await octokit.paginate(octokit.repos.listCommits, { ...repo, per_page: 2 });
    expect(commits.map((c) => c.commit.message)).toEqual(['Merge pull request #7 from acme/bump', 'Bump app to 1.1.0', 'Add app chart']);
    const { data: commit } = await octokit.repos.getCommit({ ...repo, ref: 'main' });
    expect(commit.sha).toBe(MERGE_SHA);
    expect(commit.parents).toHaveLength(1);
    await expect(octokit.repos.getCommit({ ...repo, ref: 'f'.repeat(40) })).rejects.toMatchObject({ status: 422 });
  });

  it('creates, reads, moves and deletes refs, and refuses a ref that exists or an unknown object', async () => {
    const octokit = octokitFor(emulator);
    const [first, second] = emulator.state.repos[0]!.commits;
    const { data: created } = await octokit.git.createRef({ ...repo, ref: 'refs/heads/feature/x', sha: first!.sha });
    expect(created).toMatchObject({ ref: 'refs/heads/feature/x', object: { sha: first!.sha, type: 'commit' } });
    // a ref name with a slash, as octokit sends it (encoded) and as raw path segments
    expect((await octokit.git.getRef({ ...repo, ref: 'heads/feature/x' })).data.object.sha).toBe(first!.sha);
    const raw = await fetch(`${emulator.url}/repos/${OWNER}/${REPO}/git/ref/heads/feature/x`);
    expect(((await raw.json()) as { ref: string }).ref).toBe('refs/heads/feature/x');

    await expect(octokit.git.createRef({ ...repo, ref: 'refs/heads/feature/x', sha: first!.sha })).rejects.toMatchObject({
      status: 422,
      response: { data: { message: 'Reference already exists' } },
    });
    await expect(octokit.git.createRef({ ...repo, ref: 'refs/heads/y', sha: 'e'.repeat(40) })).rejects.toMatchObject({
      status: 422,
      response: { data: { message: 'Object does not exist' } },
    });
    expect((await octokit.git.updateRef({ ...repo, ref: 'heads/feature/x', sha: second!.sha })).data.object.sha).toBe(second!.sha);
    const matching = await octokit.git.listMatchingRefs({ ...repo, ref: 'heads/' });
    expect(matching.data.map((r) => r.ref)).toEqual(['refs/heads/feature/x', 'refs/heads/main']);
    expect((await octokit.git.deleteRef({ ...repo, ref: 'heads/feature/x' })).status).toBe(204);
    await expect(octokit.git.getRef({ ...repo, ref: 'heads/feature/x' })).rejects.toMatchObject({ status: 404 });
  });

  it('creates annotated tag objects and refs pointing at them', async () => {
    const octokit = octokitFor(emulator);
    const { data: tag } = await octokit.git.createTag({ ...repo, tag: 'app-v1.1.0', message: 'app 1.1.0', object: MERGE_SHA, type: 'commit' });
    expect(tag).toMatchObject({ tag: 'app-v1.1.0', message: 'app 1.1.0', object: { sha: MERGE_SHA, type: 'commit' } });
    const { data: ref } = await octokit.git.createRef({ ...repo, ref: 'refs/tags/app-v1.1.0', sha: tag.sha });
    expect(ref.object.type).toBe('tag');
    expect((await octokit.git.getTag({ ...repo, tag_sha: tag.sha })).data.object.sha).toBe(MERGE_SHA);
  });
});

describe('pull requests, reviews and comments', () => {
  it('finds the merged pull request of a merge commit and of a head commit', async () => {
    const octokit = octokitFor(emulator);
    for (const sha of [MERGE_SHA, HEAD_SHA]) {
      const { data } = await octokit.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: sha });
      expect(data.map((p) => p.number)).toEqual([7]);
      expect(data[0]).toMatchObject({ merge_commit_sha: MERGE_SHA, user: { login: 'alice' }, head: { sha: HEAD_SHA, ref: 'bump' }, base: { ref: 'main' } });
    }
    const { data: none } = await octokit.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: emulator.state.repos[0]!.commits[0]!.sha });
    expect(none).toEqual([]);
  });

  it('serves the pull request, its reviews and its comments, and lists closed ones by state', async () => {
    const octokit = octokitFor(emulator);
    const { data: pull } = await octokit.pulls.get({ ...repo, pull_number: 7 });
    expect(pull).toMatchObject({ number: 7, merged: true, state: 'closed', title: 'Bump app to 1.1.0', body: 'Raises the chart version.' });
    expect(pull.merged_at).not.toBeNull();
    const { data: reviews } = await octokit.pulls.listReviews({ ...repo, pull_number: 7 });
    expect(reviews.map((r) => [r.user?.login, r.state])).toEqual([['bob', 'APPROVED']]);
    const { data: comments } = await octokit.issues.listComments({ ...repo, issue_number: 7 });
    expect(comments.map((c) => [c.user?.login, c.user?.type, c.body])).toEqual([['github-actions[bot]', 'Bot', 'Looks good']]);
    const { data: commits } = await octokit.pulls.listCommits({ ...repo, pull_number: 7 });
    expect(commits.map((c) => [c.sha, c.author?.login])).toEqual([[HEAD_SHA, 'alice']]);
    expect((await octokit.pulls.list(repo)).data).toEqual([]);
    expect((await octokit.pulls.list({ ...repo, state: 'closed' })).data.map((p) => p.number)).toEqual([7]);
    await expect(octokit.pulls.get({ ...repo, pull_number: 99 })).rejects.toMatchObject({ status: 404 });
  });

  it('pages through more than 100 comments with Link headers, and creates, edits and deletes a comment', async () => {
    const octokit = octokitFor(emulator);
    const comments = Array.from({ length: 119 }, (_, i) => ({ body: `comment ${i}`, user: { login: i % 2 ? 'alice' : 'github-actions[bot]' } }));
    emulator.seed({
      repos: [{ owner: OWNER, name: REPO, pulls: [{ number: 8, title: 'Busy', head: { sha: 'c'.repeat(40), ref: 'busy' }, base: { ref: 'main' }, comments }] }],
    });
    const { data: created, status } = await octokit.issues.createComment({ ...repo, issue_number: 8, body: 'last word' });
    expect(status).toBe(201);
    expect(created.user).toMatchObject({ login: 'github-actions[bot]', type: 'Bot' });

    const firstPage = await octokit.issues.listComments({ ...repo, issue_number: 8, per_page: 100 });
    expect(firstPage.data).toHaveLength(100);
    expect(firstPage.headers.link).toMatch(/page=2>; rel="next"/);
    const all = await octokit.paginate(octokit.issues.listComments, { ...repo, issue_number: 8, per_page: 100 });
    expect(all).toHaveLength(120);
    expect(all.at(-1)!.body).toBe('last word');
    const { data: edited } = await octokit.issues.updateComment({ ...repo, comment_id: created.id, body: 'edited' });
    expect(edited.body).toBe('edited');
    expect((await octokit.issues.deleteComment({ ...repo, comment_id: edited.id })).status).toBe(204);
    await expect(octokit.issues.getComment({ ...repo, comment_id: edited.id })).rejects.toMatchObject({ status: 404 });
  });
});

describe('artifact attestations', () => {
  it('stores an attestation and finds it by the subject digest of its in-toto statement', async () => {
    const octokit = octokitFor(emulator);
    const digest = 'c'.repeat(64);
    const bundle = statement(digest);
    const { data, status } = await octokit.repos.createAttestation({ ...repo, bundle });
    expect(status).toBe(201);
    expect(data.id).toEqual(expect.any(Number));
    const { data: found } = await octokit.request('GET /repos/{owner}/{repo}/attestations/{subject_digest}', { ...repo, subject_digest: `sha256:${digest}` });
    expect(found.attestations).toHaveLength(1);
    expect(found.attestations![0]!.bundle).toEqual(bundle);
    expect(found.attestations![0]!.repository_id).toBe(emulator.state.repos[0]!.id);
    // GitHub answers 404 for a digest nothing attests
    const other = await octokit
      .request('GET /repos/{owner}/{repo}/attestations/{subject_digest}', { ...repo, subject_digest: `sha256:${'d'.repeat(64)}` })
      .catch((e: unknown) => e);
    expect(other).toMatchObject({ status: 404, response: { data: { message: 'Not Found' } } });
  });

  it('serves seeded attestations and filters by predicate type', async () => {
    const digest = 'e'.repeat(64);
    emulator.seed({
      repos: [
        {
          owner: OWNER,
          name: REPO,
          attestations: [{ bundle: statement(digest) }, { bundle: statement(digest, 'https://in-toto.io/attestation/release/v0.1') }],
        },
      ],
    });
    const octokit = octokitFor(emulator);
    const all = await octokit.request('GET /repos/{owner}/{repo}/attestations/{subject_digest}', { ...repo, subject_digest: `sha256:${digest}` });
    expect(all.data.attestations).toHaveLength(2);
    const release = await octokit.request('GET /repos/{owner}/{repo}/attestations/{subject_digest}', {
      ...repo,
      subject_digest: `sha256:${digest}`,
      predicate_type: 'release',
    });
    expect(release.data.attestations).toHaveLength(1);
  });

  it("lists an owner's attestations across its repositories, for organisations and users", async () => {
    const digest = 'f'.repeat(64);
    emulator.seed({ repos: [{ owner: OWNER, name: 'library', attestations: [{ bundle: statement(digest) }] }] });
    const octokit = octokitFor(emulator);
    const forOrg = await octokit.request('GET /orgs/{org}/attestations/{subject_digest}', { org: OWNER, subject_digest: `sha256:${digest}` });
    expect(forOrg.data.attestations?.map((a) => a.repository_id)).toEqual([emulator.state.repos.find((r) => r.name === 'library')!.id]);
    const forUser = await octokit.request('GET /users/{username}/attestations/{subject_digest}', { username: OWNER, subject_digest: `sha256:${digest}` });
    expect(forUser.data.attestations).toHaveLength(1);
  });
});
