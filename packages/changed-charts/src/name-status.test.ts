import { describe, expect, it } from 'vitest';
import { parseNameStatus } from './name-status.ts';

describe('parseNameStatus', () => {
  it('reads single-path entries and two-path renames from -z output', () => {
    const out = ['M', 'charts/a/values.yaml', 'A', 'charts/b/Chart.yaml', 'R100', 'charts/old/x.yaml', 'charts/new/x.yaml', 'D', 'charts/c/README.md', 'R087', 'p q', 'p r', ''].join('\0');
    expect(parseNameStatus(out)).toEqual([
      { status: 'M', path: 'charts/a/values.yaml' },
      { status: 'A', path: 'charts/b/Chart.yaml' },
      { status: 'R', path: 'charts/new/x.yaml', previousPath: 'charts/old/x.yaml', similarity: 100 },
      { status: 'D', path: 'charts/c/README.md' },
      { status: 'R', path: 'p r', previousPath: 'p q', similarity: 87 },
    ]);
  });

  it('reads nothing from empty output', () => {
    expect(parseNameStatus('')).toEqual([]);
  });
});
