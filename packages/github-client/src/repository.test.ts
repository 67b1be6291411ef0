import { isReleaseError } from '@chart-release/core';
import { describe, expect, it } from 'vitest';
import { formatRepository, parseRepository } from './repository.ts';

describe('parseRepository', () => {
  it('reads owner/name as GITHUB_REPOSITORY holds it, and formats it back', () => {
    const ref = parseRepository(' bitnami/charts ');
    expect(ref).toEqual({ owner: 'bitnami', repo: 'charts' });
    expect(formatRepository(ref)).toBe('bitnami/charts');
    expect(parseRepository('prometheus-community/helm-charts.io')).toEqual({ owner: 'prometheus-community', repo: 'helm-charts.io' });
  });

  it.each(['charts', 'a/b/c', '-owner/repo', 'owner/..', 'owner/.', 'own er/repo', '', 'owner/'])('refuses %j with REPOSITORY_INVALID and a hint', (value) => {
    let error: unknown;
    try {
      parseRepository(value);
    } catch (caught) {
      error = caught;
    }
    expect(isReleaseError(error) && error.code).toBe('REPOSITORY_INVALID');
    expect(isReleaseError(error) && error.hint).toMatch(/--repo owner\/name/);
  });
});
