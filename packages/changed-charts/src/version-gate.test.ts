import { describe, expect, it } from 'vitest';
import { checkVersionBumps } from './version-gate.ts';
import type { ChartChange } from './types.ts';

const chart = (over: Partial<ChartChange>): ChartChange => ({
  name: 'a',
  path: 'charts/a',
  version: '1.0.0',
  status: 'modified',
  changedFiles: ['charts/a/values.yaml'],
  triggeredBy: [],
  type: 'application',
  release: true,
  ...over,
});

describe('checkVersionBumps', () => {
  it('lists every chart whose version did not increase, at once', () => {
    const errors = checkVersionBumps([
      chart({ name: 'same', path: 'charts/same', version: '1.0.0', previousVersion: '1.0.0' }),
      chart({ name: 'lower', path: 'charts/lower', version: '0.9.0', previousVersion: '1.0.0' }),
      chart({ name: 'ok', path: 'charts/ok', version: '1.0.1', previousVersion: '1.0.0' }),
      chart({ name: 'dep', path: 'charts/dep', version: '2.0.0', previousVersion: '2.0.0', changedFiles: [], triggeredBy: ['lib'] }),
    ]);
    expect(errors.map((e) => [e.code, e.chart, e.file])).toEqual([
      ['VERSION_NOT_BUMPED', 'same', 'charts/same/Chart.yaml'],
      ['VERSION_NOT_BUMPED', 'lower', 'charts/lower/Chart.yaml'],
      ['VERSION_NOT_BUMPED', 'dep', 'charts/dep/Chart.yaml'],
    ]);
    expect(errors[1]!.message).toContain('lower than');
    expect(errors[2]!.message).toContain('depends on lib');
  });

  it('orders prereleases by SemVer and skips new, deleted and unreleased charts', () => {
    expect(checkVersionBumps([chart({ version: '1.0.0', previousVersion: '1.0.0-rc.1' })])).toEqual([]);
    expect(checkVersionBumps([chart({ version: '1.0.0-rc.1', previousVersion: '1.0.0' })])).toHaveLength(1);
    expect(checkVersionBumps([chart({ status: 'added' }), chart({ status: 'deleted', release: false, previousVersion: '2.0.0' })])).toEqual([]);
  });
});
