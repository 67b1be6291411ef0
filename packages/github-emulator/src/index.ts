export { startGitHubEmulator } from './emulator.ts';
export type { GitHubEmulator, StartGitHubEmulatorOptions } from './emulator.ts';
export type { RecordedRequest, SchemaViolation } from './api-handler.ts';
export type { SchemaProblem } from './openapi.ts';
export type { FaultOptions } from './faults.ts';
export { seededRandom } from './faults.ts';
export type { RateLimitOptions } from './rate-limit.ts';
export type { SecondaryLimitOptions } from './secondary-limits.ts';
export type { EmulatorSeed, RepoSeed, CommitSeed, PullSeed, ReleaseSeed, AssetSeed, AttestationSeed } from './seed.ts';
export type {
  EmulatorState,
  RepoRecord,
  ReleaseRecord,
  AssetRecord,
  PullRecord,
  CommitRecord,
  RefRecord,
  TagObjectRecord,
  IssueCommentRecord,
  LabelRecord,
  ReviewRecord,
  ReviewState,
  AttestationRecord,
  UserRecord,
  UserType,
} from './state.ts';
