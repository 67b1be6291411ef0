import { describe, expect, it } from 'vitest';
import {
  classifyDependencyFailure,
  dependencyRequests,
  dependencySource,
  parseChartLock,
  satisfiesConstraint,
  staleLockEntries,
  wantedVersion,
} from './chart-dependencies.ts';

describe('chart dependencies as helm reads them', () => {
  it('tells file://, chart repository, registry, vendored and named repositories apart', () => {
    expect(dependencySource('file://../lib')).toEqual({ kind: 'file', path: '../lib' });
    expect(dependencySource('https://charts.example.com/stable/')).toEqual({ kind: 'repository', url: 'https://charts.example.com/stable' });
    expect(dependencySource('oci://ghcr.io/acme/charts')).toEqual({ kind: 'registry', url: 'oci://ghcr.io/acme/charts' });
    expect(dependencySource(undefined)).toEqual({ kind: 'vendored' });
    expect(dependencySource('@bitnami')).toEqual({ kind: 'named', name: 'bitnami' });
    expect(dependencySource('alias:bitnami')).toEqual({ kind: 'named', name: 'bitnami' });
  });

  it("wants Chart.lock's exact version when the lock lists the dependency, else the constraint; aliases are kept", () => {
    const lock = parseChartLock(
      'dependencies:\n- name: redis\n  repository: https://charts.example.com/\n  version: 17.0.3\ndigest: sha256:abc\ngenerated: "2026-01-01T00:00:00Z"\n',
    );
    const requests = dependencyRequests(
      [
        { name: 'redis', version: '17.0.x', repository: 'https://charts.example.com', alias: 'cache', condition: 'cache.enabled' },
        { name: 'common', version: '^2.0.0', repository: 'oci://ghcr.io/acme/charts' },
      ],
      lock,
    );
    expect(requests.map(wantedVersion)).toEqual(['17.0.3', '^2.0.0']);
    expect(requests[0]).toMatchObject({ name: 'redis', alias: 'cache', locked: '17.0.3', constraint: '17.0.x' });
    expect(parseChartLock('not: a lock')).toBeUndefined();
  });

  it('finds the dependencies a Chart.lock no longer stands for', () => {
    const lock = parseChartLock(
      'dependencies:\n- name: redis\n  repository: https://r.example\n  version: 17.0.3\n- name: old\n  repository: https://r.example\n  version: 1.0.0\n',
    );
    const requests = dependencyRequests(
      [
        { name: 'redis', version: '17.0.x', repository: 'https://r.example' },
        { name: 'old', version: '^2.0.0', repository: 'https://r.example' },
        { name: 'added', version: '1.0.0', repository: 'oci://ghcr.io/acme' },
        { name: 'vendored', version: '1.0.0' },
      ],
      lock,
    );
    expect(staleLockEntries(requests).map((r) => r.name)).toEqual(['old', 'added']);
  });

  it('checks versions against helm constraints (comma joins, || alternates, x wildcards)', () => {
    expect(satisfiesConstraint('1.3.0', '1.x.x')).toBe(true);
    expect(satisfiesConstraint('2.0.0', '1.x.x')).toBe(false);
    expect(satisfiesConstraint('1.3.0', '>= 1.2.0, < 2.0.0')).toBe(true);
    expect(satisfiesConstraint('1.1.0', '>= 1.2.0, < 2.0.0')).toBe(false);
    expect(satisfiesConstraint('3.0.0', '^1.0.0 || ^3.0.0')).toBe(true);
    expect(satisfiesConstraint('1.2.3', '1.2.3')).toBe(true);
    expect(satisfiesConstraint('1.2.3', 'v1.2.3')).toBe(true);
    expect(satisfiesConstraint('1.2.3', undefined)).toBe(true);
    expect(satisfiesConstraint('1.2.3', 'not a range')).toBe(false);
  });

  it('names a failed fetch by what helm printed', () => {
    expect(classifyDependencyFailure('Error: failed to fetch https://x/index.yaml : 401 Unauthorized')).toBe('DEPENDENCY_UNAUTHORIZED');
    expect(classifyDependencyFailure('Error: chart "redis" version "9.9.9" not found in https://x repository')).toBe('DEPENDENCY_NOT_FOUND');
    expect(classifyDependencyFailure('Error: oci://127.0.0.1:5000/charts/nope:1.0.0: not found')).toBe('DEPENDENCY_NOT_FOUND');
    expect(classifyDependencyFailure('dial tcp 127.0.0.1:9: connect: connection refused')).toBe('DEPENDENCY_UNREACHABLE');
  });
});
