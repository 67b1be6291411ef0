export { parseOciReference, formatOciReference, chartTag, isDigest } from './reference.ts';
export type { OciReference } from './reference.ts';
export { RegistryClient, referrersTag, parseNextLink } from './registry.ts';
export type { ManifestDescriptor, Descriptor, Manifest, FetchedManifest, Referrers } from './registry.ts';
export type { RegistryClientOptions, FetchFunction } from './transport.ts';
export { parseChallenge, repositoryScope } from './auth.ts';
export type { RegistryCredentials, AuthChallenge } from './auth.ts';
export { resolveCredentials, fromConfigFile } from './credentials.ts';
export type { ResolveCredentialsInput, ResolvedCredentials } from './credentials.ts';
export { retryPolicy, classifyFailure, DEFAULT_RETRY } from './retry.ts';
export type { RetryOptions, RetryPolicy, FailureClass } from './retry.ts';
export { RegistryHttpError, RegistryNetworkError, parseRetryAfter } from './http-error.ts';
export { parseHelmPushOutput, classifyHelmFailure } from './helm-cli.ts';
export { packageChart } from './package-chart.ts';
export type { PackageChartInput } from './package-chart.ts';
export { DependencyFetcher, registryDependencyRepository } from './dependency-fetcher.ts';
export type { DependencyRepository } from './dependency-fetcher.ts';
export {
  ChartDependencyError,
  classifyDependencyFailure,
  dependencyRequests,
  dependencySource,
  parseChartLock,
  satisfiesConstraint,
  staleLockEntries,
  wantedVersion,
} from './chart-dependencies.ts';
export type { ChartLock, DependencyRequest, DependencySource } from './chart-dependencies.ts';
export { makeArchiveReproducible, normalizeTar } from './reproducible.ts';
export { lintChart, ciValuesFiles, parseHelmLintOutput } from './helm-lint.ts';
export type { LintChartInput, LintProblem, LintRun } from './helm-lint.ts';
export type { PackagedChart, HelmRunner, HelmPushFlags, HelmPushOutput } from './helm-cli.ts';
export { pushChart, planPush, chartLayer } from './push.ts';
export type { PushResult, PushPlan, PushChartInput } from './push.ts';
export { readChartArchive, parseChartArchive, chartArchiveFiles, differingFiles } from './chart-archive.ts';
export { chartLayerSha256, checkRegistryChart } from './registry-chart.ts';
export type { ChartArchive, ChartYaml } from './chart-archive.ts';
export { helmArtifact } from './helm-manifest.ts';
export type { HelmArtifact } from './helm-manifest.ts';
export { sha256Digest, fileDigest } from './digest.ts';
export * from './media-types.ts';
export {
  pushArtifactHubMetadata,
  artifactHubMetadataManifest,
  ARTIFACTHUB_TAG,
  ARTIFACTHUB_CONFIG,
  ARTIFACTHUB_METADATA_LAYER,
} from './artifacthub-metadata.ts';
