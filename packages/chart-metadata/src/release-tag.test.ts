import { describe, expect, it } from 'vitest';
import { isPrerelease, releaseTag, releaseTagGlob, releaseTitle } from './release-tag.ts';

const chart = { name: 'web-app', version: '1.2.3' };

describe('release tags', () => {
  it('default to {name}-v{version}', () => {
    expect(releaseTag(undefined, chart)).toBe('web-app-v1.2.3');
  });

  it('follow a custom template and chart-releaser spelling', () => {
    expect(releaseTag('charts/{name}/{version}', chart)).toBe('charts/web-app/1.2.3');
    expect(releaseTag('{{ .Name }}-{{ .Version }}', chart)).toBe('web-app-1.2.3');
  });

  it('keep prerelease and build metadata', () => {
    expect(releaseTag(undefined, { name: 'x', version: '2.0.0-rc.1+build.7' })).toBe('x-v2.0.0-rc.1+build.7');
  });

  it('refuse templates that would give charts or versions the same tag', () => {
    expect(() => releaseTag('v{version}', chart)).toThrow(/does not contain \{name\}/);
    expect(() => releaseTag('{name}', chart)).toThrow(/does not contain \{version\}/);
  });

  it('refuse unknown placeholders and invalid git tags', () => {
    expect(() => releaseTag('{name}-{version}-{sha}', chart)).toThrow(
      expect.objectContaining({ code: 'TAG_TEMPLATE_INVALID', message: expect.stringContaining('{sha}') }),
    );
    expect(() => releaseTag('{name} v{version}', chart)).toThrow(expect.objectContaining({ code: 'TAG_INVALID' }));
    expect(() => releaseTag('{name}..{version}', chart)).toThrow(/'\.\.'/);
  });

  it('title the release <chart>: v<version>', () => {
    expect(releaseTitle(chart)).toBe('web-app: v1.2.3');
  });
});

describe('prerelease detection', () => {
  it.each([
    ['1.2.3', false],
    ['1.2.3+build.1', false],
    ['1.2.3-rc.1', true],
    ['0.1.0-alpha', true],
    ['1.0.0-0.3.7+meta', true],
  ])('%s is prerelease: %s', (version, expected) => {
    expect(isPrerelease(version)).toBe(expected);
  });

  it('reject a version that is not semver', () => {
    expect(() => isPrerelease('1.2')).toThrow(expect.objectContaining({ code: 'VERSION_INVALID' }));
  });
});

describe('release tag globs', () => {
  it("match every version's tag of one chart", () => {
    expect(releaseTagGlob(undefined, 'web-app')).toBe('web-app-v*');
    expect(releaseTagGlob('{{ .Name }}-{{ .Version }}', 'web-app')).toBe('web-app-*');
  });
});
