import { isReleaseError, ReleaseError } from '@chart-release/core';
import type { ReleasePlan } from './plan.ts';
import { isWarning, type AnyStage, type ChartOutputs, type Problem } from './stage.ts';

const ONE_CAUSE = new Set(['GITHUB_AUTH_FAILED', 'GITHUB_UNAVAILABLE', 'REGISTRY_AUTH_FAILED', 'REGISTRY_UNAVAILABLE']);

/**
 * Every stage's preflight in one round (side by side, none waiting for another's result), merged with the problems
 * found before (reading the facts, packaging): errors in a stable order without duplicates, and the warnings.
 * A preflight that throws is reported as its own problem; the others still run.
 */
export async function runPreflight(
  plan: ReleasePlan,
  stages: readonly AnyStage[],
  prepared: ReadonlyMap<string, ChartOutputs>,
  earlier: Problem[] = [],
): Promise<{ errors: ReleaseError[]; warnings: string[] }> {
  const found = await Promise.all(
    stages.map(async (stage) => {
      if (!stage.preflight) return [];
      try {
        return await stage.preflight(plan, prepared);
      } catch (error) {
        return [asProblem(error, stage.name)];
      }
    }),
  );
  const problems = [...earlier, ...found.flat()];
  const errors: ReleaseError[] = [];
  const seen = new Set<string>();
  for (const p of problems) {
    if (isWarning(p)) continue;
    // one rejected token or unreachable service is one problem, however many stages met it
    const key = !p.chart && ONE_CAUSE.has(p.code) ? p.code : `${p.code}\0${p.chart ?? ''}\0${p.file ?? ''}\0${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push(p);
  }
  errors.sort((a, b) => (a.chart ?? '').localeCompare(b.chart ?? '') || a.code.localeCompare(b.code));
  const warnings = [
    ...new Set(problems.filter(isWarning).map((w) => (w.chart && !w.warning.startsWith(`${w.chart}: `) ? `${w.chart}: ${w.warning}` : w.warning))),
  ];
  return { errors, warnings };
}

/** A preflight check's failure as a problem: a ReleaseError as it is, anything else as PREFLIGHT_CHECK_FAILED. */
export function asProblem(error: unknown, stage: string): ReleaseError {
  if (isReleaseError(error)) return error;
  return new ReleaseError('PREFLIGHT_CHECK_FAILED', `the ${stage} check failed: ${(error as Error)?.message ?? String(error)}`, {
    hint: 're-run; if it persists, report it.',
  });
}
