import { describe, expect, it } from 'vitest';
import { isValidRefName } from './ref-names.ts';

describe('isValidRefName', () => {
  it('accepts chart release tags and nested branch names', () => {
    for (const name of ['app-v1.0.0', 'library-v0.1.0-rc.1+build.5', 'refs/tags/app-v1.0.0', 'feature/x', 'v1']) expect(isValidRefName(name)).toBe(true);
  });

  it('refuses what git check-ref-format refuses', () => {
    for (const name of [
      '',
      'my chart-v1',
      'a..b',
      'a~1',
      'a^',
      'a:b',
      'a?',
      'a*',
      'a[b',
      'a\\b',
      '.hidden',
      'x/.y',
      'x.lock',
      'end.',
      '/lead',
      'trail/',
      'a//b',
      'a@{b',
      '@',
    ]) {
      expect(isValidRefName(name), name).toBe(false);
    }
  });
});
