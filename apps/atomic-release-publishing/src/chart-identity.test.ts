import { describe, expect, it } from 'vitest';
import { chartIdentityProblems } from './chart-identity.ts';

describe('chart identity', () => {
  it('refuses two planned charts with one name, naming both folders, once', () => {
    const { errors } = chartIdentityProblems([
      { name: 'web', path: 'charts/web' },
      { name: 'web', path: 'charts/team-b/web' },
      { name: 'api', path: 'charts/api' },
    ]);
    expect(errors.map((e) => e.toJSON())).toEqual([
      expect.objectContaining({
        code: 'DUPLICATE_CHART_NAME',
        chart: 'web',
        file: 'charts/team-b/web/Chart.yaml',
        details: { folders: ['charts/team-b/web', 'charts/web'] },
      }),
    ]);
    expect(errors[0]!.message).toContain('charts/team-b/web, charts/web');
  });

  it('refuses a planned chart whose name another folder of the repository uses too', () => {
    const repository = [
      { name: 'web', path: 'charts/web' },
      { name: 'web', path: 'legacy/web' },
      { name: 'api', path: 'charts/api' },
    ];
    expect(chartIdentityProblems([{ name: 'web', path: 'charts/web' }], repository).errors.map((e) => e.details)).toEqual([
      { folders: ['charts/web', 'legacy/web'] },
    ]);
    expect(chartIdentityProblems([{ name: 'api', path: 'charts/api' }], repository).errors).toEqual([]);
  });

  it('warns about a name that differs from its folder', () => {
    const { errors, warnings } = chartIdentityProblems([
      { name: 'frontend', path: 'charts/web' },
      { name: 'api', path: 'charts/api' },
    ]);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([
      {
        message: "frontend: the chart in charts/web is named 'frontend', not 'web' like its folder; it is released as 'frontend'.",
        file: 'charts/web/Chart.yaml',
      },
    ]);
  });
});
