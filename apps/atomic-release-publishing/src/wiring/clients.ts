import { registerSecret, ReleaseError, type Logger } from '@chart-release/core';
import { createGitHubClient, parseRepository, type GitHubClient, type RepositoryRef } from '@chart-release/github-client';
import { DEFAULT_RETRY, parseOciReference, RegistryClient, resolveCredentials, type RegistryCredentials } from '@chart-release/oci';
import type { ReleaseConfig } from '../config.ts';

/** The registry named by the config: its host, the namespace below it, and a client with resolved credentials. */
export interface RegistryContext {
  host: string;
  /** Namespace below the host, e.g. `acme/charts`. */
  namespace: string;
  client: RegistryClient;
  /** The credentials the client signs in with, also handed to `helm push` (helm never sees the client's). */
  credentials?: RegistryCredentials;
  credentialsSource: string;
  /** Repository of a chart below the host, e.g. `acme/charts/web-app`. */
  repositoryOf(chart: string): string;
}

/** Builds the registry client for `config.registry`, with credentials from the environment or config files. */
export function registryContext(config: ReleaseConfig, env: NodeJS.ProcessEnv, logger: Logger): RegistryContext {
  const ref = parseOciReference(config.registry);
  const { credentials, source } = resolveCredentials({ registry: ref.registry, env });
  const scale = retryDelayScale(env);
  const client = new RegistryClient({
    registry: ref.registry,
    plainHttp: config.plainHttp,
    caFile: config.caFile,
    insecureSkipTlsVerify: config.insecureSkipTlsVerify,
    credentials,
    logger,
    retry: { minTimeoutMs: DEFAULT_RETRY.minTimeoutMs * scale, maxTimeoutMs: DEFAULT_RETRY.maxTimeoutMs * scale },
  });
  return {
    host: ref.registry,
    namespace: ref.repository,
    client,
    credentials,
    credentialsSource: source,
    repositoryOf: (chart) => `${ref.repository}/${chart}`,
  };
}

/** The GitHub client and repository of the config; a ReleaseError says what is missing. */
export function githubContext(config: ReleaseConfig, logger: Logger, env: NodeJS.ProcessEnv = process.env): { octokit: GitHubClient; repo: RepositoryRef } {
  if (!config.github.repository) {
    throw new ReleaseError('CONFIG_INVALID', 'no GitHub repository configured.', {
      hint: 'pass --repo owner/name, set GITHUB_REPOSITORY, or `github.repository` in .chart-release.yaml.',
    });
  }
  if (!config.github.token) {
    throw new ReleaseError('GITHUB_AUTH_FAILED', 'no GitHub token: GITHUB_TOKEN is not set.', {
      hint: 'in Actions pass `token: ${{ github.token }}` (contents: write); locally export GITHUB_TOKEN.',
    });
  }
  registerSecret(config.github.token);
  // write pacing: GitHub's 1 s between writes, or $CHART_RELEASE_GITHUB_WRITE_INTERVAL_MS (read by the client)
  const octokit = createGitHubClient({ token: config.github.token, baseUrl: config.github.apiUrl, logger, retryUnitMs: 1000 * retryDelayScale(env), env });
  return { octokit, repo: parseRepository(config.github.repository) };
}

/**
 * `$CHART_RELEASE_RETRY_DELAY_SCALE`: a factor on every retry backoff, registry and GitHub alike (default 1). Test
 * rigs and emulators that inject faults by the hundred set it below 1; a value that is not a positive number is 1.
 */
export function retryDelayScale(env: NodeJS.ProcessEnv): number {
  const scale = Number(env.CHART_RELEASE_RETRY_DELAY_SCALE);
  return env.CHART_RELEASE_RETRY_DELAY_SCALE && Number.isFinite(scale) && scale > 0 ? scale : 1;
}
