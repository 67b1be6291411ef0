import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator } from '../src/index.ts';
import { octokitFor, OWNER } from './fixtures.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
let emulator: GitHubEmulator;

function bundle(predicateType: string, n: number) {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: `chart-${n}`, digest: { sha256: 'a'.repeat(64) } }],
    predicateType,
    predicate: { n },
  };
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { certificate: { rawBytes: 'MIIB' } },
    dsseEnvelope: {
      payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
      payloadType: 'application/vnd.in-toto+json',
      signatures: [{ sig: 'c2ln' }],
    },
  };
}

/** The literal-only snappy blocks the emulator writes, decoded (a real client uses a snappy library). */
function unsnappy(block: Buffer): Buffer {
  let offset = 0;
  while (block[offset++]! >= 0x80);
  const out: Buffer[] = [];
  while (offset < block.length) {
    let n = block[offset++]! >> 2;
    if (n === 60) n = block[offset++]!;
    else if (n === 61) n = block[offset++]! | (block[offset++]! << 8);
    out.push(block.subarray(offset, offset + n + 1));
    offset += n + 1;
  }
  return Buffer.concat(out);
}

beforeAll(async () => {
  emulator = await startGitHubEmulator({
    seed: {
      users: [{ login: 'acme-org', type: 'Organization' }],
      repos: [
        { owner: 'acme-org', name: 'charts', attestations: Array.from({ length: 5 }, (_, n) => ({ bundle: bundle('https://slsa.dev/provenance/v1', n) })) },
        { owner: OWNER, name: 'charts' },
      ],
    },
  });
});
afterAll(async () => {
  await emulator?.stop();
  expect(emulator.schemaViolations).toEqual([]);
});

describe('artifact attestations as GitHub serves them', () => {
  it('create answers 201 with the id, and 422 for a bundle without a sha256 subject', async () => {
    const octokit = octokitFor(emulator);
    const created = await octokit.repos.createAttestation({ owner: OWNER, repo: 'charts', bundle: bundle('https://spdx.dev/Document/v2.3', 9) });
    expect(created.status).toBe(201);
    expect(Object.keys(created.data)).toEqual(['id']);
    const refused = await octokit.repos
      .createAttestation({ owner: OWNER, repo: 'charts', bundle: { mediaType: 'x', dsseEnvelope: {} } })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ status: 422 });
    expect(
      (
        await octokit.request('GET /repos/{owner}/{repo}/attestations/{subject_digest}', {
          owner: OWNER,
          repo: 'charts',
          subject_digest: DIGEST,
          predicate_type: 'sbom',
        })
      ).data.attestations,
    ).toHaveLength(1);
  });

  it('answer 404 for a digest nothing attests, for the repository, the organisation and the user', async () => {
    const octokit = octokitFor(emulator);
    const none = `sha256:${'b'.repeat(64)}`;
    for (const route of ['GET /repos/acme-org/charts/attestations/{d}', 'GET /orgs/acme-org/attestations/{d}', 'GET /users/acme-org/attestations/{d}']) {
      await expect(octokit.request(route, { d: none })).rejects.toMatchObject({ status: 404 });
    }
    // a predicate type that matches nothing is the same as no attestation
    await expect(octokit.request('GET /orgs/acme-org/attestations/{d}', { d: DIGEST, predicate_type: 'release' })).rejects.toMatchObject({ status: 404 });
  });

  it('page with after and before cursors in Link, as gh follows them', async () => {
    const get = async (url: string) => {
      const response = await fetch(url, { headers: { authorization: `token ${emulator.token}` } });
      expect(response.status).toBe(200);
      return { link: response.headers.get('link') ?? '', items: ((await response.json()) as { attestations: unknown[] }).attestations };
    };
    const seen: unknown[] = [];
    let url: string | undefined = `${emulator.url}/orgs/acme-org/attestations/${DIGEST}?per_page=2&predicate_type=https://slsa.dev/provenance/v1`;
    let last = '';
    while (url) {
      const page = await get(url);
      seen.push(...page.items);
      last = page.link;
      url = /<([^>]+)>; rel="next"/.exec(page.link)?.[1];
    }
    expect(seen).toHaveLength(5);
    expect(new Set(seen.map((a) => JSON.stringify(a))).size).toBe(5);
    const previous = /<([^>]+)>; rel="prev"/.exec(last)?.[1];
    expect(new URL(previous!).searchParams.get('before')).toBeTruthy();
    expect((await get(previous!)).items).toHaveLength(2);
  });

  it('serve bundle_url from storage, snappy-compressed, without the token', async () => {
    const octokit = octokitFor(emulator);
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/attestations/{subject_digest}', {
      owner: 'acme-org',
      repo: 'charts',
      subject_digest: DIGEST,
      per_page: 1,
    });
    const item = data.attestations![0]!;
    expect(new URL(item.bundle_url!).origin).toBe(emulator.storageUrl);
    const response = await fetch(item.bundle_url!);
    expect(response.status).toBe(200);
    expect(JSON.parse(unsnappy(Buffer.from(await response.arrayBuffer())).toString())).toEqual(item.bundle);
    expect((await fetch(item.bundle_url!, { headers: { authorization: `token ${emulator.token}` } })).status).toBe(400);
  });
});
