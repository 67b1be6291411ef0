import { describe, expect, it } from 'vitest';
import { signStatement, statementMismatch } from './statement.ts';

const DIGEST = `sha256:${'c'.repeat(64)}`;

describe('cosign sign statement', () => {
  it('names the manifest digest as the only subject with the cosign sign predicate', () => {
    expect(signStatement(DIGEST)).toEqual({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ digest: { sha256: 'c'.repeat(64) } }],
      predicateType: 'https://sigstore.dev/cosign/sign/v1',
      predicate: {},
    });
  });

  it('accepts a statement covering the digest', () => {
    expect(statementMismatch(Buffer.from(JSON.stringify(signStatement(DIGEST))), DIGEST)).toBeUndefined();
  });

  it('says which digest a statement covers when it is not the one verified', () => {
    const other = `sha256:${'d'.repeat(64)}`;
    expect(statementMismatch(Buffer.from(JSON.stringify(signStatement(other))), DIGEST)).toMatch(`covers ${other}, not ${DIGEST}`);
  });

  it('rejects other predicates and non-statements', () => {
    const slsa = { ...signStatement(DIGEST), predicateType: 'https://slsa.dev/provenance/v1' };
    expect(statementMismatch(Buffer.from(JSON.stringify(slsa)), DIGEST)).toMatch(/predicate type https:\/\/slsa.dev/);
    expect(statementMismatch(Buffer.from('not json'), DIGEST)).toMatch(/not JSON/);
  });

  it('rejects malformed digests', () => {
    expect(() => signStatement('sha256:xyz')).toThrow(/not a digest/);
  });
});
