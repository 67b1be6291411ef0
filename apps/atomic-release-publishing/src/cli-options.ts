import type { CliOptions } from '@chart-release/core';
import type { ConfigFlags, SigningMode } from './config.ts';

/** Flags shared by every command that talks to the registry, signing and GitHub. */
export const CONNECTION_OPTIONS = {
  config: { type: 'string' },
  registry: { type: 'string' },
  'plain-http': { type: 'boolean' },
  'ca-file': { type: 'string' },
  'insecure-skip-tls-verify': { type: 'boolean' },
  signing: { type: 'string' },
  'fulcio-url': { type: 'string' },
  'rekor-url': { type: 'string' },
  'trusted-root': { type: 'string' },
  repo: { type: 'string' },
  'api-url': { type: 'string' },
  'work-dir': { type: 'string' },
  helm: { type: 'string' },
  cwd: { type: 'string' },
} as const satisfies CliOptions;

/** The `--help` sections of the connection flags and credentials, shared by every command. */
export const CONNECTION_SECTIONS = [
  {
    title: 'Registry, signing and GitHub (flags > env > .chart-release.yaml > defaults)',
    body: `  --config <file>              config file (default .chart-release.yaml in --cwd)
  --cwd <dir>                  the chart repository (default: current folder)
  --registry oci://host/ns     where charts live (default oci://ghcr.io/<owner>/charts; env CHART_RELEASE_REGISTRY)
  --plain-http                 the registry speaks HTTP (local registries)
  --ca-file <pem>              CA bundle for the registry
  --insecure-skip-tls-verify   do not verify the registry's certificate
  --signing <mode>             auto | cosign | sigstore | key | none (env CHART_RELEASE_SIGNING)
  --fulcio-url, --rekor-url    Sigstore instance (default public; env SIGSTORE_FULCIO_URL, SIGSTORE_REKOR_URL)
  --trusted-root <file>        trusted_root.json of a private or test Sigstore instance
  --repo owner/name            GitHub repository (env GITHUB_REPOSITORY)
  --api-url <url>              GitHub API (env GITHUB_API_URL; GitHub Enterprise Server: https://HOST/api/v3)
  --work-dir <dir>             packages, signatures, lineage, journal, manifest (default .chart-release)
  --helm <path>                helm binary (env HELM_BINARY; default helm on PATH)`,
  },
  {
    title: 'Credentials',
    body: `  GITHUB_TOKEN (GitHub, and ghcr.io), CHART_RELEASE_REGISTRY_USERNAME/PASSWORD, or docker/helm registry config
  files; SIGSTORE_ID_TOKEN or the Actions OIDC token for keyless signing.`,
  },
];

/** Turns parsed connection flags into config flags. */
export function connectionFlags(values: Record<string, unknown>): ConfigFlags {
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  const bool = (k: string) => (typeof values[k] === 'boolean' ? (values[k] as boolean) : undefined);
  return {
    config: str('config'),
    registry: str('registry'),
    plainHttp: bool('plain-http'),
    caFile: str('ca-file'),
    insecureSkipTlsVerify: bool('insecure-skip-tls-verify'),
    signingMode: str('signing') as SigningMode | undefined,
    fulcioUrl: str('fulcio-url'),
    rekorUrl: str('rekor-url'),
    trustedRoot: str('trusted-root'),
    repository: str('repo'),
    apiUrl: str('api-url'),
    workDir: str('work-dir'),
    helm: str('helm'),
  };
}
