import { describe, expect, it } from 'vitest';
import { chartTag, formatOciReference, parseOciReference } from './reference.ts';

describe('OCI references', () => {
  it('parses host, port, nested repository, tag and digest', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseOciReference(`oci://127.0.0.1:5000/org/charts/web-app:1.2.3@${digest}`)).toEqual({
      registry: '127.0.0.1:5000',
      repository: 'org/charts/web-app',
      tag: '1.2.3',
      digest,
    });
    expect(parseOciReference('ghcr.io/my-org/charts')).toEqual({ registry: 'ghcr.io', repository: 'my-org/charts' });
    expect(parseOciReference('oci://ghcr.io/my-org/charts/')).toEqual({ registry: 'ghcr.io', repository: 'my-org/charts' });
  });

  it('turns + in a tag into _ as helm does, and back-formats', () => {
    const ref = parseOciReference('oci://ghcr.io/o/web-app:1.0.0+build.5');
    expect(ref.tag).toBe('1.0.0_build.5');
    expect(formatOciReference(ref)).toBe('oci://ghcr.io/o/web-app:1.0.0_build.5');
    expect(chartTag('2.0.0-rc.1+sha.abc')).toBe('2.0.0-rc.1_sha.abc');
  });

  it.each([
    ['https://ghcr.io/o/c', /scheme must be oci/],
    ['oci://ghcr.io', /needs a host and a repository/],
    ['oci://ghcr.io/Org/chart', /'Org' is not a valid repository path component/],
    ['oci://ghcr.io/o/c:bad tag', /not a valid tag/],
    ['oci://ghcr.io/o/c@sha256:abc', /not a sha256 digest/],
    ['oci://bad_host/o/c', /not a host/],
  ])('rejects %s with REFERENCE_INVALID', (ref, why) => {
    expect(() => parseOciReference(ref)).toThrow(why);
    try {
      parseOciReference(ref);
    } catch (error) {
      expect(error).toMatchObject({ code: 'REFERENCE_INVALID' });
    }
  });

  it('rejects a chart version that cannot be a tag', () => {
    expect(() => chartTag('1.0.0 beta')).toThrow(/does not make a valid OCI tag/);
  });
});
