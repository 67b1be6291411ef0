import type { LineageSummary } from './notes.ts';

/**
 * The notes' summary of a `<chart>-attestation-lineage.json` (written by @chart-release/attestation-map): the
 * merged pull request, who approved it, and one row per attestation. Unknown fields are ignored.
 */
export function lineageSummaryFromJson(lineage: unknown, asset?: string): LineageSummary {
  const doc = (lineage ?? {}) as Record<string, unknown>;
  const summary: LineageSummary = { ...(asset ? { asset } : {}) };
  const pr = doc.pullRequest as Record<string, unknown> | null | undefined;
  if (pr && typeof pr.number === 'number' && typeof pr.url === 'string') {
    const approvedBy = Array.isArray(pr.approvedBy)
      ? pr.approvedBy.map((a) => (typeof a === 'string' ? a : String((a as { login?: unknown })?.login ?? ''))).filter(Boolean)
      : undefined;
    summary.pullRequest = {
      number: pr.number,
      url: pr.url,
      ...(typeof pr.title === 'string' ? { title: pr.title } : {}),
      ...(approvedBy ? { approvedBy } : {}),
    };
  } else {
    summary.note = 'No merged pull request was found for the release commit.';
  }
  if (Array.isArray(doc.attestations)) {
    summary.attestations = doc.attestations.map((a: Record<string, unknown>) => ({
      stage: String(a.stage ?? 'unknown'),
      ...(typeof a.predicateType === 'string' ? { predicateType: a.predicateType } : {}),
      ...(typeof a.url === 'string' ? { url: a.url } : {}),
    }));
  }
  return summary;
}
