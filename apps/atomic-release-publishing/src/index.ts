export { loadConfig, GITHUB_ACTIONS_ISSUER } from './config.ts';
export type { ReleaseConfig, ConfigFlags, SigningMode, AssetKind } from './config.ts';
export { buildReleasePlan, formatPlan } from './plan.ts';
export type { ReleasePlan, PlannedChart, PlannedAsset, DetectedChart, PlanFacts } from './plan.ts';
export { runPublish, planRun } from './publish.ts';
export type { PublishPipeline, PublishOptions, DetectResult, GatheredFacts } from './publish.ts';
export { isWarning } from './stage.ts';
export type {
  Stage,
  AnyStage,
  StageName,
  StageOutputs,
  ChartOutputs,
  ChartRun,
  RunContext,
  Problem,
  PreflightWarning,
  PlannedWrite,
  PackagedChart,
  PushedChart,
  SignedChart,
  AttestedChart,
  ChartLineage,
  DraftedRelease,
} from './stage.ts';
export { Journal } from './journal.ts';
export type { JournalData, JournalChart } from './journal.ts';
export { readManifest, writeManifest, verifyManifest, manifestSchemaProblems } from './manifest.ts';
export type { ReleaseManifest, ManifestArtifact, ManifestPromotion, ManifestVerifier, ArtifactCheck } from './manifest.ts';
export { renderStepSummary, renderTable } from './report.ts';
export type { PublishReport, ChartReport } from './report.ts';
export { createProgress } from './progress.ts';
export type { Progress, ChartStage } from './progress.ts';
export {
  applyTagPolicy,
  checkDigest,
  checkTagCharacters,
  classifyTag,
  auditTag,
  parseAuditTag,
  nextAuditTag,
  reservedTagProblem,
  DEFAULT_CHANNELS,
} from './tag-policy.ts';
export type { TagKind, TagPolicyDecision } from './tag-policy.ts';
export { runBounded } from './concurrency.ts';
export { promote, promoteAll, preparePromotion, applyPromotion, preflightPromotion } from './promote.ts';
export type { PromoteRequest, PromotionResult, PromotionRegistry, PromotionServices, PreparedPromotion } from './promote.ts';
export { channelHistory, promotionsInEffect, rollback } from './channel-history.ts';
export type { ChannelPosition } from './channel-history.ts';
export { createPublishPipeline } from './wiring/pipeline.ts';
export type { PipelineContext } from './wiring/pipeline.ts';
