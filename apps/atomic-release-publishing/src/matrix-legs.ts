import { ReleaseError } from '@chart-release/core';

/** GitHub runs at most 256 jobs from one matrix (a larger one fails the workflow before any job starts). */
export const GITHUB_MATRIX_JOB_LIMIT = 256;

/** One job of the reusable workflow's matrix: the charts it prepares, as the arguments of `publish --phase prepare`. */
export interface MatrixLeg {
  /** The job's and its artifact's name: the chart's own for a leg of one chart, `legs-<n>-of-<total>` otherwise. */
  leg: string;
  /** The leg's charts, in plan order. */
  charts: string[];
  /** `--chart a --chart b`: what the leg's publish step is given (chart names hold no spaces or quotes). */
  args: string;
}

/**
 * The plan's charts as at most `maxLegs` matrix legs: one chart per leg while they fit, else consecutive runs of
 * charts in plan order, as even as they come (sizes differ by one at most), so that the legs of a 300-chart run
 * stay within GitHub's matrix and each leg's share of the work is the same.
 */
export function matrixLegs(charts: readonly string[], maxLegs = GITHUB_MATRIX_JOB_LIMIT): MatrixLeg[] {
  const count = Math.min(charts.length, maxLegs);
  if (count === charts.length) return charts.map((chart) => ({ leg: chart, charts: [chart], args: `--chart ${chart}` }));
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => {
    const group = charts.slice(Math.floor((i * charts.length) / count), Math.floor(((i + 1) * charts.length) / count));
    return { leg: `legs-${String(i + 1).padStart(width, '0')}-of-${count}`, charts: group, args: group.map((c) => `--chart ${c}`).join(' ') };
  });
}

/** `--max-legs`: a whole number from 1 to GitHub's matrix limit. */
export function parseMaxLegs(value: string | undefined): number {
  if (value === undefined) return GITHUB_MATRIX_JOB_LIMIT;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > GITHUB_MATRIX_JOB_LIMIT) {
    throw new ReleaseError('USAGE', `--max-legs must be a whole number from 1 to ${GITHUB_MATRIX_JOB_LIMIT}, not '${value}'.`, {
      hint: `GitHub runs at most ${GITHUB_MATRIX_JOB_LIMIT} jobs from one matrix; charts beyond that share legs.`,
    });
  }
  return n;
}
