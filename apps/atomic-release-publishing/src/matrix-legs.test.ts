import { describe, expect, it } from 'vitest';
import { GITHUB_MATRIX_JOB_LIMIT, matrixLegs, parseMaxLegs } from './matrix-legs.ts';

const charts = (n: number) => Array.from({ length: n }, (_, i) => `chart-${String(i).padStart(3, '0')}`);

describe('matrixLegs', () => {
  it('gives each chart its own leg, named after it, while they fit', () => {
    expect(matrixLegs(['billing', 'checkout'])).toEqual([
      { leg: 'billing', charts: ['billing'], args: '--chart billing' },
      { leg: 'checkout', charts: ['checkout'], args: '--chart checkout' },
    ]);
    expect(matrixLegs([])).toEqual([]);
    expect(matrixLegs(charts(GITHUB_MATRIX_JOB_LIMIT))).toHaveLength(GITHUB_MATRIX_JOB_LIMIT);
  });

  it('groups 300 charts into 256 legs in plan order, every chart in exactly one, sizes one or two', () => {
    const all = charts(300);
    const legs = matrixLegs(all);
    expect(legs).toHaveLength(256);
    expect(legs.flatMap((l) => l.charts)).toEqual(all);
    expect(new Set(legs.map((l) => l.charts.length))).toEqual(new Set([1, 2]));
    expect(new Set(legs.map((l) => l.leg)).size).toBe(256);
    expect(legs[0]).toMatchObject({ leg: 'legs-001-of-256' });
    expect(legs.at(-1)!.leg).toBe('legs-256-of-256');
  });

  it('spreads charts as evenly as a smaller cap allows, and passes them as --chart flags', () => {
    const legs = matrixLegs(['a', 'b', 'c', 'd', 'e'], 2);
    expect(legs).toEqual([
      { leg: 'legs-1-of-2', charts: ['a', 'b'], args: '--chart a --chart b' },
      { leg: 'legs-2-of-2', charts: ['c', 'd', 'e'], args: '--chart c --chart d --chart e' },
    ]);
    expect(matrixLegs(charts(1000), 64).map((l) => l.charts.length)).toSatisfy((sizes: number[]) => Math.max(...sizes) - Math.min(...sizes) <= 1);
  });
});

describe('parseMaxLegs', () => {
  it("defaults to GitHub's matrix limit and takes 1 to 256", () => {
    expect(parseMaxLegs(undefined)).toBe(256);
    expect(parseMaxLegs('1')).toBe(1);
    expect(parseMaxLegs('256')).toBe(256);
  });

  it.each(['0', '257', '2.5', 'many', '-3', ''])('refuses %j with a usage error naming the limit', (value) => {
    expect(() => parseMaxLegs(value)).toThrow(expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('from 1 to 256') }));
  });
});
