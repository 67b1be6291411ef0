import { startGitHubEmulator, type GitHubEmulator } from '@chart-release/github-emulator';
import { isReleaseError, type ReleaseError } from '@chart-release/core';
import { Octokit } from '@octokit/rest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectLineage, enrichFromAttestationsApi, extractAttestationMap, findMergedPullRequest, validateLineageData } from '../src/index.ts';
import { BOT, chartEntry, digestOf, mapMarkdown, provenanceBundle, shaOf, SIGNER, signingCertificate } from './fixtures.ts';

const BUILD = digestOf('web-app build');
const OCI = digestOf('web-app oci manifest');
const RUN_URL = 'https://github.com/acme/charts/actions/runs/501/attempts/1';
const MERGE = shaOf('charts merge');
const HEAD = shaOf('charts head');
const person = (login: string) => ({ login });
const at = (minute: number) => new Date(Date.UTC(2026, 0, 5, 10, minute)).toISOString();

let emulator: GitHubEmulator;
let octokit: Octokit;

async function releaseErrorOf(promise: Promise<unknown>): Promise<ReleaseError> {
  try {
    await promise;
  } catch (error) {
    if (isReleaseError(error)) return error;
    throw error;
  }
  throw new Error('expected a ReleaseError');
}

function commentId(repo: string, index: number): number {
  return emulator.state.repos.find((r) => `${r.owner}/${r.name}` === repo)!.issue_comments[index]!.id;
}

beforeAll(async () => {
  const certificate = await signingCertificate();
  const busyComments = Array.from({ length: 150 }, (_, i) =>
    i === 120
      ? { body: mapMarkdown({ 'web-app': chartEntry('1.2.3', BUILD) }), user: BOT, created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }
      : { body: `comment ${i}`, user: i % 3 ? person('amy') : BOT, created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() },
  );
  emulator = await startGitHubEmulator({
    strict: true,
    seed: {
      repos: [
        {
          owner: 'acme',
          name: 'charts',
          commits: [{ message: 'base' }, { sha: HEAD, message: 'web-app: 1.2.3' }, { sha: MERGE, message: 'Merge pull request #11' }],
          branches: { release: MERGE },
          pulls: [
            {
              number: 11,
              title: 'web-app: 1.2.3',
              body: `Bumps web-app.\n\n${mapMarkdown({ 'web-app': chartEntry('1.2.3', BUILD) })}`,
              head: { sha: HEAD, ref: 'bump-web-app' },
              base: { ref: 'release' },
              merged: true,
              merge_commit_sha: MERGE,
              merged_at: at(30),
              user: person('dev'),
              reviews: [
                { user: person('amy'), state: 'APPROVED', commit_id: HEAD, submitted_at: at(10) },
                { user: person('bob'), state: 'CHANGES_REQUESTED', commit_id: HEAD, submitted_at: at(11) },
                { user: person('zoe'), state: 'APPROVED', commit_id: HEAD, submitted_at: at(12) },
                { user: person('zoe'), state: 'COMMENTED', commit_id: HEAD, submitted_at: at(13) },
                { user: person('carl'), state: 'APPROVED', commit_id: HEAD, submitted_at: at(14) },
                { user: person('carl'), state: 'CHANGES_REQUESTED', commit_id: HEAD, submitted_at: at(15) },
              ],
            },
          ],
          attestations: [{ bundle: provenanceBundle(BUILD, certificate, RUN_URL) }],
        },
        {
          owner: 'acme',
          name: 'comment-map',
          commits: [{ message: 'base' }, { sha: shaOf('cm head'), message: 'change' }, { sha: shaOf('cm merge'), message: 'merge' }],
          pulls: [
            {
              number: 3,
              title: 'web-app and old-chart',
              body: mapMarkdown({ 'web-app': chartEntry('1.2.2', digestOf('stale')) }),
              head: { sha: shaOf('cm head'), ref: 'change' },
              base: { ref: 'release' },
              merged: true,
              merge_commit_sha: shaOf('cm merge'),
              comments: [
                {
                  body: mapMarkdown({ 'web-app': chartEntry('1.2.3', BUILD), 'old-chart': chartEntry('0.9.0', digestOf('old')) }),
                  user: BOT,
                  created_at: at(1),
                },
                { body: mapMarkdown({ 'web-app': { attestations: [] } }, 'trust me'), user: person('mallory'), created_at: at(2) },
                { body: 'LGTM', user: person('amy'), created_at: at(3) },
              ],
            },
          ],
        },
        {
          owner: 'acme',
          name: 'many-prs',
          commits: [{ message: 'base' }, { sha: shaOf('shared'), message: 'shared' }, { sha: shaOf('twice'), message: 'twice' }],
          pulls: [
            {
              number: 1,
              title: 'feature into main',
              head: { sha: shaOf('shared'), ref: 'feature' },
              base: { ref: 'main' },
              merged: true,
              merge_commit_sha: shaOf('m1'),
              merged_at: at(1),
            },
            {
              number: 2,
              title: 'main into release',
              head: { sha: shaOf('y'), ref: 'main' },
              base: { ref: 'release' },
              merged: true,
              merge_commit_sha: shaOf('shared'),
              merged_at: at(2),
            },
            { number: 3, title: 'abandoned', head: { sha: shaOf('shared'), ref: 'other' }, base: { ref: 'release' }, state: 'closed' },
            {
              number: 5,
              title: 'twice into main',
              head: { sha: shaOf('twice'), ref: 'a' },
              base: { ref: 'main' },
              merged: true,
              merge_commit_sha: shaOf('m5'),
              merged_at: at(9),
            },
            {
              number: 6,
              title: 'twice into release',
              head: { sha: shaOf('twice'), ref: 'b' },
              base: { ref: 'release' },
              merged: true,
              merge_commit_sha: shaOf('m6'),
              merged_at: at(5),
            },
          ],
        },
        { owner: 'acme', name: 'direct-push', commits: [{ sha: shaOf('direct'), message: 'pushed straight to release' }] },
        {
          owner: 'acme',
          name: 'malformed',
          commits: [{ message: 'base' }, { sha: shaOf('bad head'), message: 'x' }],
          pulls: [
            {
              number: 8,
              title: 'bad map',
              head: { sha: shaOf('bad head'), ref: 'x' },
              base: { ref: 'release' },
              merged: true,
              merge_commit_sha: shaOf('bad merge'),
              comments: [
                {
                  body: mapMarkdown({ 'web-app': { attestations: [{ ...chartEntry('1.0.0', BUILD).attestations[0]!, subjectDigest: 'sha256:1234' }] } }),
                  user: BOT,
                },
              ],
            },
          ],
        },
        {
          owner: 'acme',
          name: 'busy',
          commits: [{ message: 'base' }, { sha: shaOf('busy head'), message: 'busy' }],
          pulls: [
            {
              number: 1,
              title: 'long discussion',
              head: { sha: shaOf('busy head'), ref: 'busy' },
              base: { ref: 'release' },
              merged: true,
              merge_commit_sha: shaOf('busy merge'),
              comments: busyComments,
            },
          ],
        },
      ],
    },
  });
  octokit = new Octokit({ auth: emulator.token, baseUrl: emulator.url });
});

afterEach(() => {
  // strict mode: every request we sent and every response we read matched GitHub's OpenAPI description
  expect(emulator.schemaViolations).toEqual([]);
});

afterAll(async () => {
  await emulator?.stop();
});

describe('lineage of a release commit', () => {
  it('reads the map from the PR body, the approvals and the attestations API', async () => {
    const { lineages, warnings } = await collectLineage(octokit, {
      owner: 'acme',
      repo: 'charts',
      sha: MERGE,
      charts: [
        { name: 'web-app', version: '1.2.3', tag: 'web-app-v1.2.3', ociDigest: OCI },
        { name: 'common', version: '0.4.0', tag: 'common-v0.4.0' },
      ],
      allowedAuthors: [BOT.login],
    });
    const web = lineages['web-app']!;
    expect(validateLineageData(web)).toEqual([]);
    expect(web.pullRequest).toMatchObject({ number: 11, mergeCommitSha: MERGE, headSha: HEAD, baseRef: 'release', author: 'dev' });
    expect(web.pullRequest!.url).toMatch(/\/acme\/charts\/pull\/11$/);
    expect(web.pullRequest!.approvedBy.map((a) => a.login)).toEqual(['amy', 'zoe']);
    expect(web.mapSource).toMatchObject({ kind: 'body', author: 'dev' });
    expect(web.attestations.map((a) => [a.stage, a.id ?? a.url])).toEqual([
      ['build', '1001'],
      ['test', 'https://github.com/acme/charts/attestations/1002'],
    ]);
    expect(web.attestations[0]!.github).toMatchObject({
      status: 'found',
      attestations: [
        {
          predicateType: 'https://slsa.dev/provenance/v1',
          signerIdentity: SIGNER,
          workflowRunUrl: RUN_URL,
          rekorLogIndex: '424242',
          subjects: [{ digest: BUILD }],
        },
      ],
    });
    // GitHub answers 404 for a digest nothing attests
    expect(web.ociDigestAttestations).toEqual({ status: 'none', note: expect.stringContaining('404'), attestations: [] });
    expect(web.warnings).toEqual([]);
    expect(lineages.common!.attestations).toEqual([]);
    expect(warnings).toEqual(['the attestation map has no entry for common; its lineage lists no attestations']);
    expect(lineages.common!.warnings).toEqual(warnings);
  });

  it('takes the map from an allowed bot comment over the body, ignores other authors and warns about unreleased charts', async () => {
    const extracted = await extractAttestationMap(octokit, { owner: 'acme', repo: 'comment-map', pr: 3, allowedAuthors: ['GitHub-Actions[bot]'] });
    expect(extracted.source).toMatchObject({ kind: 'comment', commentId: commentId('acme/comment-map', 0), author: BOT.login });
    expect(extracted.map!.charts['web-app']!.version).toBe('1.2.3');
    expect(extracted.warnings).toEqual([
      expect.stringMatching(/ignored the attestation map in PR #3 comment \d+ .*its author mallory is not an allowed author/),
    ]);

    const { lineages, warnings } = await collectLineage(octokit, {
      owner: 'acme',
      repo: 'comment-map',
      sha: shaOf('cm merge'),
      charts: [{ name: 'web-app', version: '1.2.3', tag: 'web-app-v1.2.3' }],
      allowedAuthors: [BOT.login],
      enrich: false,
    });
    expect(lineages['web-app']!.attestations.map((a) => a.subjectDigest)).toEqual([BUILD, BUILD]);
    expect(warnings).toContainEqual(expect.stringMatching(/names old-chart, which is not being released/));
    expect(warnings).toContainEqual(expect.stringMatching(/mallory is not an allowed author/));
  });

  it('with no allowed author, falls back to the body', async () => {
    const extracted = await extractAttestationMap(octokit, { owner: 'acme', repo: 'comment-map', pr: 3, allowedAuthors: [] });
    expect(extracted.source?.kind).toBe('body');
    expect(extracted.warnings).toHaveLength(2);
  });

  it('finds the comment map past the first page of 100 comments', async () => {
    const extracted = await extractAttestationMap(octokit, { owner: 'acme', repo: 'busy', pr: 1, allowedAuthors: [BOT.login] });
    expect(extracted.source?.commentId).toBe(commentId('acme/busy', 120));
    const pages = emulator.requests.filter((r) => r.path === '/repos/acme/busy/issues/1/comments').map((r) => r.query.page ?? '1');
    expect(pages).toEqual(['1', '2']);
  });

  it('chooses one PR deterministically when several match the commit', async () => {
    expect((await findMergedPullRequest(octokit, { owner: 'acme', repo: 'many-prs', sha: shaOf('shared') }))?.number).toBe(2);
    expect((await findMergedPullRequest(octokit, { owner: 'acme', repo: 'many-prs', sha: shaOf('twice') }))?.number).toBe(5);
    expect((await findMergedPullRequest(octokit, { owner: 'acme', repo: 'many-prs', sha: shaOf('twice'), baseBranch: 'release' }))?.number).toBe(6);
    const charts = [{ name: 'web-app', version: '1.2.3', tag: 'web-app-v1.2.3' }];
    const { lineages, warnings } = await collectLineage(octokit, {
      owner: 'acme',
      repo: 'many-prs',
      sha: shaOf('shared'),
      charts,
      allowedAuthors: [BOT.login],
      enrich: false,
    });
    expect(lineages['web-app']!.pullRequest?.number).toBe(2);
    expect(warnings[0]).toBe(`2 merged pull requests match commit ${shaOf('shared')}; the lineage uses #2 (its merge commit), not #1`);
    expect(lineages['web-app']!.warnings).toContain(warnings[0]);
  });

  it('fails a direct push with onMissingPr: fail, naming the commit and the fix', async () => {
    const charts = [{ name: 'web-app', version: '1.2.3', tag: 'web-app-v1.2.3' }];
    const error = await releaseErrorOf(
      collectLineage(octokit, { owner: 'acme', repo: 'direct-push', sha: shaOf('direct'), charts, allowedAuthors: [BOT.login], onMissingPr: 'fail' }),
    );
    expect(error.code).toBe('NO_PULL_REQUEST');
    expect(error.message).toContain(shaOf('direct'));
    expect(error.hint).toMatch(/--on-missing-pr warn/);
  });

  it('gives a direct push an empty lineage and a warning with onMissingPr: warn', async () => {
    const charts = [{ name: 'web-app', version: '1.2.3', tag: 'web-app-v1.2.3' }];
    const { lineages, warnings } = await collectLineage(octokit, {
      owner: 'acme',
      repo: 'direct-push',
      sha: shaOf('direct'),
      charts,
      allowedAuthors: [BOT.login],
      onMissingPr: 'warn',
    });
    expect(lineages['web-app']).toMatchObject({ pullRequest: null, mapSource: null, attestations: [] });
    expect(validateLineageData(lineages['web-app'])).toEqual([]);
    expect(warnings[0]).toMatch(/not brought by a merged pull request/);
    expect(lineages['web-app']!.warnings).toEqual(warnings);
  });

  it('rejects a malformed map, naming the PR, the comment and the field', async () => {
    const charts = [{ name: 'web-app', version: '1.0.0', tag: 'web-app-v1.0.0' }];
    const error = await releaseErrorOf(
      collectLineage(octokit, { owner: 'acme', repo: 'malformed', sha: shaOf('bad merge'), charts, allowedAuthors: [BOT.login] }),
    );
    const id = commentId('acme/malformed', 0);
    expect(error.code).toBe('ATTESTATION_MAP_INVALID');
    expect(error.chart).toBe('web-app');
    expect(error.message).toContain(`PR #8 comment ${id}`);
    expect(error.file).toMatch(new RegExp(`/acme/malformed/pull/8#issuecomment-${id}$`));
    expect(error.message).toContain('/charts/web-app/attestations/0/subjectDigest must match');
  });

  it('rejects an oversized map, naming the comment and the limit', async () => {
    const error = await releaseErrorOf(extractAttestationMap(octokit, { owner: 'acme', repo: 'malformed', pr: 8, allowedAuthors: [BOT.login], maxBytes: 100 }));
    expect(error.code).toBe('ATTESTATION_MAP_TOO_LARGE');
    expect(error.message).toMatch(/PR #8 comment \d+ .*over the limit of 100 bytes/);
  });
});

describe('enrichment from the attestations API', () => {
  it('summarises the bundles GitHub has for a digest', async () => {
    const lookup = await enrichFromAttestationsApi(octokit, { owner: 'acme', repo: 'charts', subjectDigest: BUILD });
    expect(lookup.status).toBe('found');
    expect(lookup.attestations[0]).toMatchObject({
      signerIdentity: SIGNER,
      bundleUrl: expect.stringContaining('/attestations/'),
      repositoryId: expect.any(Number),
    });
  });

  it('notes a 404 as no enrichment instead of failing', async () => {
    const lookup = await enrichFromAttestationsApi(octokit, { owner: 'acme', repo: 'no-such-repo', subjectDigest: BUILD });
    expect(lookup).toMatchObject({ status: 'none', note: expect.stringContaining('404') });
  });

  it('notes a 403 (token without attestations: read) once and carries on with the lineage', async () => {
    // GitHub answers 403 to tokens without attestations: read; the emulator accepts every token, so refuse here
    const limited = new Octokit({ auth: emulator.token, baseUrl: emulator.url });
    limited.hook.wrap('request', async (request, options) => {
      if (String(options.url).includes('/attestations/')) throw Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
      return request(options);
    });
    const { lineages, warnings } = await collectLineage(limited, {
      owner: 'acme',
      repo: 'charts',
      sha: MERGE,
      charts: [{ name: 'web-app', version: '1.2.3', tag: 'web-app-v1.2.3', ociDigest: OCI }],
      allowedAuthors: [BOT.login],
    });
    expect(lineages['web-app']!.attestations[0]!.github).toMatchObject({ status: 'unavailable', note: expect.stringContaining('403') });
    expect(lineages['web-app']!.ociDigestAttestations?.status).toBe('unavailable');
    expect(warnings.filter((w) => w.includes('403'))).toHaveLength(1);
  });
});
