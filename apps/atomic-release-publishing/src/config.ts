import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { DEFAULT_ON_MISSING_PR } from '@chart-release/attestation-map';
import { ReleaseError } from '@chart-release/core';
import { DEFAULT_MAX_PACKAGE_SIZE, parseSize } from './package-size.ts';
import { loadSchema } from './schemas.ts';

export type SigningMode = 'auto' | 'cosign' | 'sigstore' | 'key' | 'none';
export type AssetKind = 'package' | 'signature' | 'bundle' | 'lineage' | 'changelog' | 'readme' | 'license';

/** Everything a run is configured by, after defaults, `.chart-release.yaml`, environment and flags. */
export interface ReleaseConfig {
  cwd: string;
  configFile?: string;
  chartDirs: string[];
  ignore: string[];
  targetBranch: string;
  registry: string;
  plainHttp: boolean;
  caFile?: string;
  insecureSkipTlsVerify: boolean;
  pushMode: 'helm' | 'native';
  concurrency: number;
  /** helm lint (once per `ci/*-values.yaml`): a failure stops the release (`error`), is a warning (`warn`), or lint is skipped (`off`). */
  lint: 'error' | 'warn' | 'off';
  /** Largest package a run publishes, in bytes (0: no limit). */
  maxPackageSize: number;
  keepDrafts: boolean;
  workDir: string;
  /** The work folder was chosen (flag or config file) rather than defaulted; a dry run then uses it too. */
  workDirConfigured: boolean;
  helm: string;
  signing: {
    mode: SigningMode;
    fulcioUrl?: string;
    rekorUrl?: string;
    tsaUrl?: string;
    trustedRoot?: string;
    keyPath?: string;
    identity?: string;
    identityRegexp?: string;
    issuer: string;
    /** Digest signature layout: referrer bundle, `.sig` tag, or both (default). */
    layout: 'bundle' | 'legacy' | 'both';
    /** SLSA v1 build provenance for every published digest (keyless signing; default true). */
    provenance: boolean;
  };
  release: {
    tagTemplate: string;
    makeLatest: 'auto' | 'true' | 'false' | 'legacy';
    requiredAssets: AssetKind[];
    notesTemplate?: string;
    /** Tag templates of releases another tool made (chart-releaser's `{name}-{version}`): their versions count as released. */
    adoptTagTemplates: string[];
  };
  /** The Helm repository index on the Pages branch. */
  index: { enabled: boolean; branch: string; path: string; sizeWarning: number };
  /** Artifact Hub repository metadata (artifacthub-repo.yml on the Pages branch, the artifacthub.io tag in the registry). */
  artifactHub?: { repositoryID?: string; owners?: { name?: string; email: string }[] };
  lineage: { allowedAuthors: string[]; onMissingPr: 'fail' | 'warn' };
  /** Chart repositories and registries that dependencies come from, with basic-auth credentials read from the environment. */
  dependencies: { repositories: DependencyRepositoryConfig[] };
  github: { repository?: string; apiUrl: string; serverUrl: string; token?: string; runUrl?: string; sha?: string };
}

/** One `dependencies.repositories` entry: the URL, and the username and password as the environment gives them. */
export interface DependencyRepositoryConfig {
  url: string;
  username?: string;
  /** Read from `passwordEnv`; absent when that variable is not set. */
  password?: string;
  /** The variable the password comes from (named in errors). */
  passwordEnv?: string;
}

/** Options given on the command line; each overrides the config file and the environment. */
export interface ConfigFlags {
  config?: string;
  chartDirs?: string[];
  registry?: string;
  plainHttp?: boolean;
  caFile?: string;
  insecureSkipTlsVerify?: boolean;
  pushMode?: 'helm' | 'native';
  concurrency?: number;
  keepDrafts?: boolean;
  workDir?: string;
  helm?: string;
  signingMode?: SigningMode;
  fulcioUrl?: string;
  rekorUrl?: string;
  trustedRoot?: string;
  repository?: string;
  apiUrl?: string;
}

export const SIGNING_MODES: readonly SigningMode[] = ['auto', 'cosign', 'sigstore', 'key', 'none'];
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
const CONFIG_NAMES = ['.chart-release.yaml', '.chart-release.yml'];

/**
 * The registry with its repository path lower-cased (`oci://ghcr.io/Acme/charts` -> `oci://ghcr.io/acme/charts`):
 * OCI repository names are lower case only, and `${{ github.repository_owner }}` keeps the owner's capitals. The
 * host is left as written. https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
 */
export function ociRepositoryLowercase(registry: string): string {
  const m = /^(oci:\/\/)?([^/]+)(\/.*)?$/.exec(registry);
  return m ? `${m[1] ?? ''}${m[2]}${(m[3] ?? '').toLowerCase()}` : registry;
}

/** Loads `.chart-release.yaml` (if any), validates it against its JSON Schema and merges env and flags over it. */
export function loadConfig(options: { cwd: string; flags?: ConfigFlags; env?: NodeJS.ProcessEnv }): ReleaseConfig {
  const env = options.env ?? process.env;
  const flags = options.flags ?? {};
  const cwd = resolve(options.cwd);
  const configFile = flags.config ? resolve(cwd, flags.config) : CONFIG_NAMES.map((n) => join(cwd, n)).find((p) => existsSync(p));
  const file = configFile ? readConfigFile(configFile, cwd) : {};

  const repository = flags.repository ?? file.github?.repository ?? env.GITHUB_REPOSITORY;
  const owner = env.GITHUB_REPOSITORY_OWNER ?? repository?.split('/')[0];
  const registry = flags.registry ?? env.CHART_RELEASE_REGISTRY ?? file.registry ?? (owner ? `oci://ghcr.io/${owner.toLowerCase()}/charts` : undefined);
  if (!registry) {
    throw new ReleaseError('CONFIG_INVALID', 'no registry configured.', {
      file: configFile ? relative(cwd, configFile) : '.chart-release.yaml',
      hint: 'set `registry: oci://host/namespace` in .chart-release.yaml, pass --registry, or run in Actions (GITHUB_REPOSITORY_OWNER gives oci://ghcr.io/<owner>/charts).',
    });
  }
  const signingMode = flags.signingMode ?? (env.CHART_RELEASE_SIGNING as SigningMode | undefined) ?? file.signing?.mode ?? 'auto';
  if (!SIGNING_MODES.includes(signingMode)) {
    throw new ReleaseError('CONFIG_INVALID', `signing mode '${signingMode}' is not one of ${SIGNING_MODES.join(', ')}.`, {
      hint: 'pass --signing (or CHART_RELEASE_SIGNING) with one of those; `none` publishes unsigned charts and says so in the notes.',
    });
  }
  const concurrency = flags.concurrency ?? file.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
    throw new ReleaseError('CONFIG_INVALID', `concurrency '${String(flags.concurrency)}' must be a whole number from 1 to 32.`, {
      hint: 'pass --concurrency N.',
    });
  }
  const serverUrl = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runUrl = repository && env.GITHUB_RUN_ID ? `${serverUrl}/${repository}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
  const workflowIdentity = env.GITHUB_WORKFLOW_REF ? `${serverUrl}/${env.GITHUB_WORKFLOW_REF}` : undefined;
  const workDir = resolve(cwd, flags.workDir ?? file.workDir ?? '.chart-release');

  return {
    cwd,
    configFile,
    chartDirs: flags.chartDirs?.length ? flags.chartDirs : (file.chartDirs ?? ['charts']),
    ignore: file.ignore ?? [],
    targetBranch: file.targetBranch ?? 'main',
    registry: ociRepositoryLowercase(registry.replace(/\/+$/, '')),
    plainHttp: flags.plainHttp ?? file.plainHttp ?? false,
    caFile: flags.caFile ?? file.caFile,
    insecureSkipTlsVerify: flags.insecureSkipTlsVerify ?? file.insecureSkipTlsVerify ?? false,
    pushMode: flags.pushMode ?? file.pushMode ?? 'helm',
    concurrency,
    lint: file.lint ?? 'error',
    maxPackageSize: file.maxPackageSize === undefined ? DEFAULT_MAX_PACKAGE_SIZE : parseSize(file.maxPackageSize)!,
    keepDrafts: flags.keepDrafts ?? file.keepDrafts ?? false,
    workDir,
    workDirConfigured: (flags.workDir ?? file.workDir) !== undefined,
    helm: flags.helm ?? env.HELM_BINARY ?? file.helm ?? 'helm',
    signing: {
      mode: signingMode,
      fulcioUrl: flags.fulcioUrl ?? env.SIGSTORE_FULCIO_URL ?? file.signing?.fulcioUrl,
      rekorUrl: flags.rekorUrl ?? env.SIGSTORE_REKOR_URL ?? file.signing?.rekorUrl,
      tsaUrl: file.signing?.tsaUrl,
      trustedRoot: absolutize(cwd, flags.trustedRoot ?? env.SIGSTORE_TRUSTED_ROOT ?? file.signing?.trustedRoot),
      keyPath: absolutize(cwd, file.signing?.keyPath),
      identity: file.signing?.identity ?? workflowIdentity,
      identityRegexp: file.signing?.identityRegexp,
      issuer: file.signing?.issuer ?? GITHUB_ACTIONS_ISSUER,
      layout: file.signing?.layout ?? 'both',
      provenance: file.signing?.provenance ?? true,
    },
    release: {
      tagTemplate: file.release?.tagTemplate ?? '{name}-v{version}',
      makeLatest: file.release?.makeLatest ?? 'auto',
      // CHANGELOG, README and LICENSE listed here must be the chart folder's own; otherwise a CHANGELOG is generated,
      // the repository's LICENSE is used and a missing README is a warning
      requiredAssets: file.release?.requiredAssets ?? ['package', 'signature', 'lineage'],
      notesTemplate: absolutize(cwd, file.release?.notesTemplate),
      adoptTagTemplates: file.release?.adoptTagTemplates ?? ['{name}-{version}'],
    },
    index: indexSettings(file.index),
    artifactHub: file.artifactHub,
    lineage: {
      allowedAuthors: file.lineage?.allowedAuthors ?? ['github-actions[bot]'],
      onMissingPr: file.lineage?.onMissingPr ?? DEFAULT_ON_MISSING_PR,
    },
    dependencies: {
      repositories: (file.dependencies?.repositories ?? []).map((r) => {
        const username = r.usernameEnv ? env[r.usernameEnv] : r.username;
        const password = r.passwordEnv ? env[r.passwordEnv] : undefined;
        return {
          url: r.url.replace(/\/+$/, ''),
          ...(username !== undefined ? { username } : {}),
          ...(password !== undefined ? { password } : {}),
          ...(r.passwordEnv ? { passwordEnv: r.passwordEnv } : {}),
        };
      }),
    },
    github: {
      repository,
      apiUrl: (flags.apiUrl ?? env.GITHUB_API_URL ?? file.github?.apiUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
      serverUrl,
      token: env.GITHUB_TOKEN ?? env.GH_TOKEN,
      runUrl,
      sha: env.GITHUB_SHA,
    },
  };
}

type FileConfig = Partial<Omit<ReleaseConfig, 'signing' | 'release' | 'lineage' | 'github' | 'maxPackageSize' | 'index' | 'dependencies'>> & {
  dependencies?: { repositories?: { url: string; username?: string; usernameEnv?: string; passwordEnv?: string }[] };
  maxPackageSize?: number | string;
  index?: boolean | { enabled?: boolean; branch?: string; path?: string; sizeWarning?: number | string };
  signing?: Partial<ReleaseConfig['signing']>;
  release?: Partial<ReleaseConfig['release']>;
  lineage?: Partial<ReleaseConfig['lineage']>;
  github?: { repository?: string; apiUrl?: string };
};

// compiled on first use: most runs have no config file, and `--help` reads none
let configValidator: ValidateFunction | undefined;
const validatorOfConfig = () =>
  (configValidator ??= new Ajv2020({ allErrors: true, strict: false }).compile(loadSchema('chart-release-config.v1.schema.json')));

function readConfigFile(path: string, cwd: string): FileConfig {
  const file = relative(cwd, path) || path;
  if (!existsSync(path)) {
    throw new ReleaseError('CONFIG_INVALID', `config file ${file} does not exist.`, { file, hint: 'check the --config path.' });
  }
  let data: unknown;
  try {
    data = parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (error) {
    const line = error instanceof YAMLParseError ? error.linePos?.[0]?.line : undefined;
    throw new ReleaseError('CONFIG_INVALID', `${file} is not valid YAML: ${(error as Error).message.split('\n')[0]}`, {
      file,
      line,
      hint: 'fix the YAML syntax.',
    });
  }
  const validateConfig = validatorOfConfig();
  if (!validateConfig(data)) {
    const problems = (validateConfig.errors ?? []).map(
      (e) => `${e.instancePath || '(root)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : ''}`,
    );
    throw new ReleaseError('CONFIG_INVALID', `${file} does not match the configuration schema: ${problems.join('; ')}.`, {
      file,
      hint: 'see schemas/chart-release-config.v1.schema.json for every option.',
    });
  }
  return data as FileConfig;
}

/** `index:` of the config file: `false` turns it off; defaults as chart-releaser (gh-pages, index.yaml). */
function indexSettings(value: FileConfig['index']): ReleaseConfig['index'] {
  const settings = typeof value === 'object' ? value : { enabled: value ?? true };
  return {
    enabled: settings.enabled ?? true,
    branch: settings.branch ?? 'gh-pages',
    path: settings.path ?? 'index.yaml',
    sizeWarning: settings.sizeWarning === undefined ? 20 * 1024 * 1024 : parseSize(settings.sizeWarning)!,
  };
}

function absolutize(cwd: string, path: string | undefined): string | undefined {
  if (!path) return undefined;
  return isAbsolute(path) ? path : resolve(cwd, path);
}
