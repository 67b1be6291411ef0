import { describe, expect, it } from 'vitest';
import { applyTagPolicy, auditTag, checkDigest, checkTagCharacters, classifyTag, parseAuditTag } from './tag-policy.ts';

const HEX = 'ab'.repeat(32);

describe('digest format', () => {
  it('accepts sha256:<64 lowercase hex>', () => {
    expect(checkDigest(`sha256:${HEX}`)).toBeUndefined();
  });
  it.each([
    [HEX, /lacks the 'sha256:' prefix/],
    [`sha256:${HEX.toUpperCase()}`, /uppercase hex/],
    [`sha256:${HEX.slice(2)}`, /62 hex characters; sha256 digests have exactly 64/],
    [`sha512:${HEX}`, /algorithm 'sha512'/],
    ['latest', /is not a digest/],
  ])('refuses %s with the rule it breaks', (input, message) => {
    const error = checkDigest(input, 'web-app');
    expect(error?.code).toBe('DIGEST_INVALID');
    expect(error?.message).toMatch(message);
    expect(error?.hint).toContain('sha256:<64 lowercase hex>');
  });
});

describe('tag policy', () => {
  it('classifies version tags, channels and the rest', () => {
    expect(classifyTag('v1.2.3')).toBe('version');
    expect(classifyTag('1.2.3-rc.1')).toBe('version');
    expect(classifyTag('1.2.3_build.5')).toBe('version');
    expect(classifyTag('stable')).toBe('channel');
    expect(classifyTag('latest')).toBe('channel');
    expect(classifyTag('nightly')).toBe('other');
  });

  it('makes version tags immutable and channels movable', () => {
    expect(applyTagPolicy('v1.2.3')).toEqual({ kind: 'version', immutable: true, nonSemverAllowed: false });
    expect(applyTagPolicy('stable')).toEqual({ kind: 'channel', immutable: false, nonSemverAllowed: false });
  });

  it('refuses a non-semver tag unless allowed, and records that it was', () => {
    expect(() => applyTagPolicy('nightly', { chart: 'web-app' })).toThrow(
      expect.objectContaining({ code: 'TAG_POLICY', hint: expect.stringContaining('--allow-non-semver') }),
    );
    expect(applyTagPolicy('nightly', { allowNonSemver: true })).toEqual({ kind: 'other', immutable: true, nonSemverAllowed: true });
  });

  it('names the characters an OCI tag cannot hold', () => {
    expect(checkTagCharacters('1.2.3+build')?.message).toMatch(/characters not allowed: "\+"/);
    expect(checkTagCharacters('-stable')?.message).toMatch(/must not start with/);
    expect(checkTagCharacters('x'.repeat(129))?.message).toMatch(/longer than 128/);
    expect(() => applyTagPolicy('st able', { allowNonSemver: true })).toThrow(/TAG_INVALID|not a valid OCI tag/);
  });
});

describe('audit tags', () => {
  it('round-trip channel, kind and UTC time', () => {
    const at = new Date('2026-11-23T09:08:07.654Z');
    const tag = auditTag('stable', 'rollback', at);
    expect(tag).toBe('stable-rollback-20261123-090807');
    expect(parseAuditTag(tag)).toEqual({ channel: 'stable', kind: 'rollback', at: new Date('2026-11-23T09:08:07Z'), sequence: 1 });
    expect(parseAuditTag('stable')).toBeUndefined();
  });
});
