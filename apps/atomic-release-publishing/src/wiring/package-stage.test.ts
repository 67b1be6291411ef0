import { describe, expect, it } from 'vitest';
import { dependencyRequests } from '@chart-release/oci';
import { chartsOfPush, onlyCharts, type ReleasePlan } from '../plan.ts';
import { siblingFor } from './package-stage.ts';

const planned = [
  { name: 'app', version: '1.0.0', dir: '/repo/charts/app' },
  { name: 'db', version: '2.1.0', dir: '/repo/charts/db' },
];
const published = ['oci://ghcr.io/acme/charts', 'https://acme.github.io/charts'];
const request = (repository: string, version: string, lock?: string) =>
  dependencyRequests([{ name: 'db', version, repository }], lock ? { dependencies: [{ name: 'db', version: lock, repository }] } : undefined)[0]!;
const app = { name: 'app', dir: '/repo/charts/app' };

describe('a dependency on a chart released in the same push', () => {
  it("is the sibling's new package when it points where the repository publishes and the new version is wanted", () => {
    expect(siblingFor(request('oci://ghcr.io/acme/charts', '^2.0.0'), app, app, planned, published)?.name).toBe('db');
    expect(siblingFor(request('https://acme.github.io/charts/', '2.1.x'), app, app, planned, published)?.name).toBe('db');
    expect(siblingFor(request('file://../db', '>=2.0.0'), app, app, planned, published)?.name).toBe('db');
  });

  it('is fetched as usual when the constraint or Chart.lock wants another version, or it comes from elsewhere', () => {
    expect(siblingFor(request('oci://ghcr.io/acme/charts', '~2.0.0'), app, app, planned, published)).toBeUndefined();
    expect(siblingFor(request('oci://ghcr.io/acme/charts', '^2.0.0', '2.0.3'), app, app, planned, published)).toBeUndefined();
    expect(siblingFor(request('oci://ghcr.io/other/charts', '^2.0.0'), app, app, planned, published)).toBeUndefined();
    expect(siblingFor(request('file://../../vendor/db', '^2.0.0'), app, app, planned, published)).toBeUndefined();
    // a file:// dependency's own dependencies are its business
    expect(siblingFor(request('oci://ghcr.io/acme/charts', '^2.0.0'), { name: 'lib' }, app, planned, published)).toBeUndefined();
  });

  it("is the sibling's new package in a matrix leg too, whose plan is narrowed to its own chart", () => {
    const whole = { fingerprint: 'sha256:run', charts: planned } as unknown as ReleasePlan;
    const leg = onlyCharts(whole, ['app']);
    expect(leg.charts.map((c) => c.name)).toEqual(['app']);
    expect(leg.fingerprint).toBe('sha256:run');
    expect(siblingFor(request('oci://ghcr.io/acme/charts', '^2.0.0'), app, app, leg.charts, published)).toBeUndefined();
    expect(siblingFor(request('oci://ghcr.io/acme/charts', '^2.0.0'), app, app, chartsOfPush(leg), published)?.name).toBe('db');
    // db's own leg packages, pushes and releases it; app's leg only finds it among the siblings
    expect(chartsOfPush(onlyCharts(whole, ['db'])).map((c) => c.name)).toEqual(['db', 'app']);
  });
});
