import { describe, expect, it } from 'vitest';
import { summarizeAttestation } from './attestations-api.ts';

const payload = (statement: unknown) => Buffer.from(JSON.stringify(statement)).toString('base64');

describe('summarising an attestation from the API', () => {
  it('reads subjects of every algorithm, the predicate type and the run from the statement', () => {
    const summary = summarizeAttestation({
      bundle: {
        dsseEnvelope: {
          payload: payload({
            subject: [{ name: 'chart.tgz', digest: { sha256: 'ab', sha512: 'cd' } }, { digest: { sha256: 'ef' } }],
            predicateType: 'https://slsa.dev/provenance/v1',
            predicate: { runDetails: { metadata: { invocationId: 'https://github.com/acme/charts/actions/runs/9/attempts/2' } } },
          }),
        },
        verificationMaterial: { tlogEntries: [{ logIndex: 17 }] },
      },
      repository_id: 5,
      bundle_url: 'https://example.test/bundle',
      initiator: 'user',
    });
    expect(summary).toEqual({
      predicateType: 'https://slsa.dev/provenance/v1',
      subjects: [{ name: 'chart.tgz', digest: 'sha256:ab' }, { name: 'chart.tgz', digest: 'sha512:cd' }, { digest: 'sha256:ef' }],
      workflowRunUrl: 'https://github.com/acme/charts/actions/runs/9/attempts/2',
      rekorLogIndex: '17',
      repositoryId: 5,
      bundleUrl: 'https://example.test/bundle',
      initiator: 'user',
    });
  });

  it('keeps what it can from a bundle it cannot read', () => {
    expect(
      summarizeAttestation({
        bundle: { dsseEnvelope: { payload: '%%%not base64 json' }, verificationMaterial: { certificate: { rawBytes: 'AAAA' } } },
        repository_id: 1,
      }),
    ).toEqual({
      subjects: [],
      repositoryId: 1,
    });
    expect(summarizeAttestation({ bundle: null })).toEqual({ subjects: [] });
  });
});
