import { describe, expect, it } from 'vitest';
import { parseNameStatus } from './name-status.ts';

describe('parseNameStatus', () => {
  it('reads single-path entries and two-path renames from -z output', () => {
    const out = [
      'M',
      'charts/a/values.yaml',
      'A',
      'charts/b/Chart.yaml',
      'R100',
      'charts/old/x.yaml',
      'charts/new/x.yaml',
      'D',
      'charts/c/README.md',
      'R087',
      'p q',
      'p r',
      '',
    ].join('\0');
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

describe('parseRawDiff', () => {
  it('reads statuses, paths and the blob ids of both sides', async () => {
    const { parseRawDiff } = await import('./name-status.ts');
    const a = 'a'.repeat(40);
    const b = 'b'.repeat(40);
    const z = '0'.repeat(40);
    const out = [
      `:100644 100644 ${a} ${b} M`,
      'charts/x/Chart.yaml',
      `:000000 100644 ${z} ${b} A`,
      'charts/y/Chart.yaml',
      `:100644 100644 ${a} ${a} R100`,
      'charts/p/Chart.yaml',
      'charts/q/Chart.yaml',
      '',
    ].join('\0');
    expect(parseRawDiff(out)).toEqual([
      { status: 'M', path: 'charts/x/Chart.yaml', baseSha: a, headSha: b },
      { status: 'A', path: 'charts/y/Chart.yaml', baseSha: undefined, headSha: b },
      { status: 'R', path: 'charts/q/Chart.yaml', previousPath: 'charts/p/Chart.yaml', similarity: 100, baseSha: a, headSha: a },
    ]);
  });
});
