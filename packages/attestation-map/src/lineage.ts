import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ReleaseError, writeUserFile } from '@chart-release/core';
import { LINEAGE_SCHEMA_FILE, validateLineageData } from './schemas.ts';
import type { Approval, AttestationMap, GitHubAttestationLookup, Lineage, MapSource, MergedPullRequest } from './types.ts';

export interface BuildLineageInput {
  chart: string;
  version: string;
  tag: string;
  ociDigest?: string | null;
  /** The merged pull request, or null/undefined for a direct push. */
  pr?: MergedPullRequest | null;
  approvedBy?: Approval[];
  /** The pull request's attestation map; the chart's own entry is picked from it. */
  map?: AttestationMap;
  source?: MapSource;
  /** Lookups from `enrichFromAttestationsApi`, keyed by subject digest. */
  attestationsApi?: Record<string, GitHubAttestationLookup>;
  /** Warnings found earlier (a missing pull request, ignored comments) to carry into the file. */
  warnings?: string[];
}

/** The lineage of one released chart, valid against schemas/attestation-lineage.v1.schema.json. */
export function buildLineage(input: BuildLineageInput): Lineage {
  const warnings = [...(input.warnings ?? [])];
  const entry = input.map?.charts[input.chart];
  if (input.map && !entry) warnings.push(`the attestation map has no entry for ${input.chart}; its lineage lists no attestations`);
  if (entry?.version && entry.version !== input.version) {
    warnings.push(`the attestation map describes ${input.chart} ${entry.version}, but ${input.version} is being released`);
  }
  const lookups = input.attestationsApi ?? {};
  const lineage: Lineage = {
    schemaVersion: 1,
    chart: input.chart,
    version: input.version,
    tag: input.tag,
    ociDigest: input.ociDigest ?? null,
    pullRequest: input.pr
      ? {
          number: input.pr.number,
          url: input.pr.url,
          title: input.pr.title,
          author: input.pr.author,
          baseRef: input.pr.baseRef,
          headSha: input.pr.headSha,
          mergeCommitSha: input.pr.mergeCommitSha,
          mergedAt: input.pr.mergedAt,
          approvedBy: input.approvedBy ?? [],
        }
      : null,
    mapSource: input.source ?? null,
    attestations: (entry?.attestations ?? []).map((a) => ({
      stage: a.stage,
      ...(a.id !== undefined ? { id: String(a.id) } : {}),
      ...(a.url ? { url: a.url } : {}),
      subjectDigest: a.subjectDigest,
      predicateType: a.predicateType,
      ...(a.workflowRun ? { workflowRun: a.workflowRun } : {}),
      ...(lookups[a.subjectDigest] ? { github: lookups[a.subjectDigest] } : {}),
    })),
    ...(input.ociDigest && lookups[input.ociDigest] ? { ociDigestAttestations: lookups[input.ociDigest] } : {}),
    warnings,
  };
  const problems = validateLineageData(lineage);
  if (problems.length) {
    throw new ReleaseError(
      'LINEAGE_INVALID',
      `the lineage of ${input.chart} ${input.version} does not match ${LINEAGE_SCHEMA_FILE}: ${problems.map((p) => `${p.path} ${p.message}`).join('; ')}.`,
      {
        chart: input.chart,
        details: { problems },
        hint: 'check the chart name, tag and OCI digest passed to buildLineage',
      },
    );
  }
  return lineage;
}

/** The file name of a chart's lineage: `<chart>-attestation-lineage.json`. */
export function lineageFileName(chart: string): string {
  return `${chart}-attestation-lineage.json`;
}

/**
 * Writes each lineage to `<dir>/<chart>-attestation-lineage.json` (2-space JSON, trailing newline; written to a
 * temporary file then renamed, so a re-run replaces a file whole). Returns the paths, by chart.
 */
export async function writeLineageFiles(dir: string, lineages: Record<string, Lineage>): Promise<Record<string, string>> {
  await mkdir(dir, { recursive: true });
  const paths: Record<string, string> = {};
  for (const [chart, lineage] of Object.entries(lineages).sort(([a], [b]) => a.localeCompare(b))) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(chart)) {
      throw new ReleaseError('LINEAGE_INVALID', `cannot write a lineage file for the chart name ${JSON.stringify(chart)}.`, {
        chart,
        hint: 'chart names are letters, digits, ".", "_" and "-"',
      });
    }
    const path = join(dir, lineageFileName(chart));
    // redacted: a lineage file is published, and a pull request's text can hold anything
    await writeUserFile(path, `${JSON.stringify(lineage, null, 2)}\n`);
    paths[chart] = path;
  }
  return paths;
}
