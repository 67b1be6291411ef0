import { describe, expect, it } from 'vitest';
import { createIgnoreMatcher } from './ignore.ts';

describe('createIgnoreMatcher', () => {
  const ignored = createIgnoreMatcher(['**/*.md', '*.txt', 'charts/*/ci/**']);

  it('matches globs against repository-relative paths, dotfolders included', () => {
    expect(ignored('charts/a/README.md')).toBe(true);
    expect(ignored('charts/.hidden/NOTES.md')).toBe(true);
    expect(ignored('charts/a/ci/values-test.yaml')).toBe(true);
  });

  it('matches a pattern without a slash against the base name in any folder', () => {
    expect(ignored('charts/team/app/notes.txt')).toBe(true);
  });

  it('keeps everything else', () => {
    expect(ignored('charts/a/templates/deployment.yaml')).toBe(false);
    expect(ignored('charts/a/Chart.yaml')).toBe(false);
    expect(createIgnoreMatcher([])('charts/a/README.md')).toBe(false);
  });
});
