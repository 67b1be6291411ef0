import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isReleaseError } from '@chart-release/core';
import { describe, expect, it } from 'vitest';
import { parseChartList } from './chart-list.ts';
import { buildLineage, writeLineageFiles } from './lineage.ts';
import { validateLineageData } from './schemas.ts';
import type { AttestationMap, MergedPullRequest } from './types.ts';

const DIGEST = `sha256:${'b'.repeat(64)}`;
const OCI = `sha256:${'d'.repeat(64)}`;
const PR: MergedPullRequest = {
  number: 7,
  url: 'https://github.com/acme/charts/pull/7',
  title: 'web-app: 1.2.3',
  author: 'dev',
  baseRef: 'release',
  headSha: 'a'.repeat(40),
  mergeCommitSha: 'c'.repeat(40),
  mergedAt: '2026-01-01T00:00:00Z',
  body: 'secret-free body',
};
const MAP: AttestationMap = {
  version: 1,
  charts: {
    'web-app': { version: '1.2.2', attestations: [{ stage: 'build', id: 99, subjectDigest: DIGEST, predicateType: 'https://slsa.dev/provenance/v1' }] },
  },
};

describe('building a lineage', () => {
  it('records the PR, approvals, the chart entry and the API lookups, valid against the schema', () => {
    const lineage = buildLineage({
      chart: 'web-app',
      version: '1.2.3',
      tag: 'web-app-v1.2.3',
      ociDigest: OCI,
      pr: PR,
      approvedBy: [{ login: 'amy', submittedAt: '2026-01-01T00:00:00Z', commitId: 'a'.repeat(40) }],
      map: MAP,
      source: { kind: 'comment', url: 'https://github.com/acme/charts/pull/7#issuecomment-1', commentId: 1, author: 'github-actions[bot]' },
      attestationsApi: {
        [DIGEST]: { status: 'found', attestations: [{ subjects: [{ digest: DIGEST }], predicateType: 'https://slsa.dev/provenance/v1' }] },
        [OCI]: { status: 'none', attestations: [] },
      },
    });
    expect(validateLineageData(lineage)).toEqual([]);
    expect(lineage.pullRequest).not.toHaveProperty('body');
    expect(lineage.attestations[0]).toMatchObject({ id: '99', github: { status: 'found' } });
    expect(lineage.ociDigestAttestations).toEqual({ status: 'none', attestations: [] });
    expect(lineage.warnings).toEqual(['the attestation map describes web-app 1.2.2, but 1.2.3 is being released']);
  });

  it('gives a chart missing from the map an empty list and a warning; no PR gives null fields', () => {
    const lineage = buildLineage({ chart: 'common', version: '0.1.0', tag: 'common-v0.1.0', pr: PR, map: MAP });
    expect(lineage.attestations).toEqual([]);
    expect(lineage.warnings[0]).toMatch(/no entry for common/);
    const direct = buildLineage({ chart: 'common', version: '0.1.0', tag: 'common-v0.1.0' });
    expect(direct).toMatchObject({ pullRequest: null, mapSource: null, ociDigest: null, attestations: [] });
    expect(validateLineageData(direct)).toEqual([]);
  });

  it('refuses to build a lineage the schema rejects, naming the chart', () => {
    try {
      buildLineage({ chart: 'web-app', version: '1.0.0', tag: 'web-app-v1.0.0', ociDigest: 'sha256:short' });
      expect.unreachable();
    } catch (error) {
      expect(isReleaseError(error) && error.code).toBe('LINEAGE_INVALID');
      expect((error as Error).message).toContain('/ociDigest');
    }
  });

  it('writes one file per chart and replaces it whole on a re-run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lineage-'));
    const lineage = buildLineage({ chart: 'web-app', version: '1.2.3', tag: 'web-app-v1.2.3', pr: PR, map: MAP });
    const paths = await writeLineageFiles(dir, { 'web-app': lineage });
    await writeLineageFiles(dir, { 'web-app': lineage });
    expect(paths).toEqual({ 'web-app': join(dir, 'web-app-attestation-lineage.json') });
    expect(await readdir(dir)).toEqual(['web-app-attestation-lineage.json']);
    expect(JSON.parse(await readFile(paths['web-app']!, 'utf8'))).toEqual(lineage);
  });

  it('writes no token a pull request happened to quote (the file is published with the release)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lineage-'));
    const token = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
    const lineage = buildLineage({ chart: 'web-app', version: '1.2.3', tag: 'web-app-v1.2.3', pr: { ...PR, title: `rotate ${token}` }, map: MAP });
    const paths = await writeLineageFiles(dir, { 'web-app': lineage });
    const written = JSON.parse(await readFile(paths['web-app']!, 'utf8'));
    expect(written.pullRequest.title).toBe('rotate ***');
    expect(JSON.stringify(written)).not.toContain(token);
  });
});

describe('the --charts list', () => {
  it('reads names, versions, optional digests and derives tags', () => {
    expect(parseChartList(`web-app@1.2.3@${OCI}, common@0.1.0-rc.1`)).toEqual([
      { name: 'web-app', version: '1.2.3', tag: 'web-app-v1.2.3', ociDigest: OCI },
      { name: 'common', version: '0.1.0-rc.1', tag: 'common-v0.1.0-rc.1', ociDigest: null },
    ]);
    expect(() => parseChartList('web-app')).toThrow(/name@version/);
  });
});
