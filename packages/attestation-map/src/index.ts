export { findMergedPullRequest, choosePullRequest, listApprovals, approvalsFromReviews, noPullRequestError } from './pull-request.ts';
export type { FindPullRequestOptions, PullRequestCandidate } from './pull-request.ts';
export { extractAttestationMap } from './extract.ts';
export type { ExtractOptions, ExtractedAttestationMap } from './extract.ts';
export { parseAttestationMap, describeLocation, DEFAULT_MAX_MAP_BYTES } from './map-parse.ts';
export type { MapLocation, ParseMapOptions } from './map-parse.ts';
export { findMapBlocks, renderMapBlock, MAP_MARKER_PREFIX } from './map-block.ts';
export type { MapBlock } from './map-block.ts';
export { validateMapData, validateLineageData, loadSchema, MAP_SCHEMA_FILE, LINEAGE_SCHEMA_FILE } from './schemas.ts';
export type { SchemaProblem } from './schemas.ts';
export { enrichFromAttestationsApi, summarizeAttestation } from './attestations-api.ts';
export type { EnrichOptions } from './attestations-api.ts';
export { buildLineage, writeLineageFiles, lineageFileName } from './lineage.ts';
export type { BuildLineageInput } from './lineage.ts';
export { collectLineage } from './collect.ts';
export { DEFAULT_ON_MISSING_PR } from './types.ts';
export type { CollectLineageOptions, CollectedLineage } from './collect.ts';
export type {
  AttestationMap,
  MapChartEntry,
  MapAttestation,
  WorkflowRunRef,
  MapSource,
  MergedPullRequest,
  Approval,
  GitHubAttestationLookup,
  GitHubAttestationSummary,
  Lineage,
  LineageAttestation,
  ReleasedChart,
  OnMissing,
} from './types.ts';
