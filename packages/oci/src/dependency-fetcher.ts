import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { silentLogger, type ErrorCode, type Logger } from '@chart-release/core';
import { execa } from 'execa';
import type { RegistryCredentials } from './auth.ts';
import { classifyDependencyFailure, dependencyError, wantedVersion, type DependencyRequest } from './chart-dependencies.ts';
import type { HelmRunner } from './helm-cli.ts';

/** A chart repository or registry the run may fetch dependencies from, with its basic-auth credentials. */
export interface DependencyRepository {
  /** `https://charts.example.com/stable` or `oci://registry.example.com/charts`; a dependency matches by prefix. */
  url: string;
  username?: string;
  password?: string;
  /** oci://: talk HTTP, not HTTPS (a local registry). */
  plainHttp?: boolean;
}

/**
 * Fetches chart dependencies with helm, each (repository, name, version) once per run, into a cache folder that
 * every chart of the run shares. helm runs in its own config under `dir` (repositories, registry credentials,
 * caches): the user's helm setup is neither read nor written.
 */
export class DependencyFetcher {
  /** The environment of every helm this fetcher runs (HELM_CONFIG_HOME, HELM_REPOSITORY_CONFIG, ... under `dir`). */
  readonly env: Record<string, string>;
  /** How many archives were pulled (each at most once per request). */
  pulls = 0;
  private readonly dir: string;
  private readonly binary: string;
  private readonly repositories: DependencyRepository[];
  private readonly logger: Logger;
  private ready?: Promise<void>;
  private readonly added = new Map<string, Promise<string>>();
  private readonly fetched = new Map<string, Promise<string>>();

  constructor(options: { dir: string; helm?: HelmRunner; repositories?: DependencyRepository[]; logger?: Logger }) {
    this.dir = options.dir;
    this.binary = options.helm?.binary ?? 'helm';
    this.repositories = options.repositories ?? [];
    this.logger = options.logger ?? silentLogger;
    const home = join(this.dir, 'helm');
    const isolated: Record<string, string> = {};
    isolated.HELM_CONFIG_HOME = join(home, 'config');
    isolated.HELM_CACHE_HOME = join(home, 'cache');
    isolated.HELM_DATA_HOME = join(home, 'data');
    isolated.HELM_REPOSITORY_CONFIG = join(home, 'config', 'repositories.yaml');
    isolated.HELM_REPOSITORY_CACHE = join(home, 'cache', 'repository');
    isolated.HELM_REGISTRY_CONFIG = join(home, 'config', 'registry', 'config.json');
    isolated.HELM_CONTENT_CACHE = join(home, 'cache', 'content');
    this.env = { ...options.helm?.env, ...isolated };
  }

  /**
   * The archive of `request` (a chart repository or registry dependency) in the run's cache, pulled on first use.
   * Throws a DEPENDENCY_* ReleaseError naming `chart`, the dependency and its repository.
   */
  fetch(request: DependencyRequest, subject: { chart: string; file: string }): Promise<string> {
    const key = `${request.source.kind === 'registry' ? request.source.url : request.repository.replace(/\/+$/, '')}\0${request.name}\0${wantedVersion(request)}`;
    let pending = this.fetched.get(key);
    if (!pending) {
      pending = this.pull(request, key);
      this.fetched.set(key, pending);
    }
    return pending.catch((error: unknown) => {
      const output = error instanceof FetchFailure ? error.output : String(error);
      throw dependencyError(error instanceof FetchFailure ? error.code : classifyDependencyFailure(output), { ...subject, request }, output);
    });
  }

  /**
   * Removes the fetcher's helm configuration (repositories.yaml and the registry config hold the credentials); the
   * archives fetched stay. A fetch after it starts over.
   */
  async dispose(): Promise<void> {
    await Promise.allSettled([this.ready, ...this.added.values(), ...this.fetched.values()]);
    await rm(join(this.dir, 'helm'), { recursive: true, force: true });
    this.ready = undefined;
    this.added.clear();
    this.fetched.clear();
  }

  private async pull(request: DependencyRequest, key: string): Promise<string> {
    await (this.ready ??= this.prepare());
    const folder = join(this.dir, 'charts', createHash('sha256').update(key).digest('hex').slice(0, 16));
    await rm(folder, { recursive: true, force: true });
    await mkdir(folder, { recursive: true }); // helm pull -d does not create it
    const version = wantedVersion(request);
    const args = ['pull'];
    if (request.source.kind === 'registry') {
      args.push(`${request.source.url}/${request.name}`);
      if (this.credentialsFor(request.source.url)?.plainHttp) args.push('--plain-http');
    } else {
      args.push(`${await this.repositoryName(request.repository)}/${request.name}`);
    }
    if (version) args.push('--version', version);
    args.push('--destination', folder);
    this.logger.info(`fetching ${request.name}${version ? ` ${version}` : ''} from ${request.repository}`);
    const r = await this.helm(args);
    if (r.exitCode !== 0) throw new FetchFailure(classifyDependencyFailure(r.output), r.output);
    this.pulls++;
    const [archive] = (await readdir(folder)).filter((f) => f.endsWith('.tgz'));
    if (!archive) throw new FetchFailure('DEPENDENCY_NOT_FOUND', `helm pull saved no archive for ${request.name}`);
    return join(folder, archive);
  }

  // registry credentials in the run's own registry config, written (not `helm registry login`: no request, and the
  // password never on a command line)
  private async prepare(): Promise<void> {
    await rm(join(this.dir, 'helm'), { recursive: true, force: true });
    await mkdir(join(this.dir, 'helm', 'config', 'registry'), { recursive: true });
    const auths: Record<string, { auth: string }> = {};
    for (const r of this.repositories) {
      if (!r.url.startsWith('oci://') || r.username === undefined || r.password === undefined) continue;
      auths[r.url.slice('oci://'.length).split('/')[0]!] = { auth: Buffer.from(`${r.username}:${r.password}`).toString('base64') };
    }
    await writeFile(this.env.HELM_REGISTRY_CONFIG!, JSON.stringify({ auths }), { mode: 0o600 });
  }

  // `helm repo add` once per repository URL, with its credentials (password on stdin), under a name made from the URL
  private repositoryName(url: string): Promise<string> {
    const normalized = url.replace(/\/+$/, '');
    let pending = this.added.get(normalized);
    if (!pending) {
      pending = (async () => {
        const name = `dep-${createHash('sha256').update(normalized).digest('hex').slice(0, 12)}`;
        const credentials = this.credentialsFor(normalized);
        const args = ['repo', 'add', name, normalized, '--force-update'];
        let input: string | undefined;
        if (credentials?.username !== undefined && credentials.password !== undefined) {
          args.push('--username', credentials.username, '--password-stdin');
          input = credentials.password;
        }
        const r = await this.helm(args, input);
        if (r.exitCode !== 0) {
          const code = classifyDependencyFailure(r.output);
          // helm words an unreachable repository as "not a valid chart repository or cannot be reached"
          throw new FetchFailure(code === 'DEPENDENCY_NOT_FOUND' ? 'DEPENDENCY_UNREACHABLE' : code, r.output);
        }
        return name;
      })();
      this.added.set(normalized, pending);
    }
    return pending;
  }

  private credentialsFor(url: string): DependencyRepository | undefined {
    const norm = (u: string) => u.replace(/\/+$/, '');
    return this.repositories.filter((r) => norm(url) === norm(r.url) || norm(url).startsWith(`${norm(r.url)}/`)).sort((a, b) => b.url.length - a.url.length)[0];
  }

  private async helm(args: string[], input?: string): Promise<{ exitCode: number; output: string }> {
    const r = await execa(this.binary, args, { env: this.env, extendEnv: true, reject: false, ...(input === undefined ? { stdin: 'ignore' } : { input }) });
    return { exitCode: r.exitCode ?? 1, output: (r.stderr || r.stdout || r.shortMessage || '').trim() };
  }
}

/** The push registry's host (`oci://host/namespace` or `host`) and credentials as a dependency repository entry: any namespace on it. */
export function registryDependencyRepository(registry: string, credentials: RegistryCredentials | undefined, plainHttp = false): DependencyRepository {
  const host = registry.replace(/^oci:\/\//, '').split('/')[0]!;
  const basic = credentials && 'username' in credentials ? credentials : undefined;
  return { url: `oci://${host}`, plainHttp, ...(basic ? { username: basic.username, password: basic.password } : {}) };
}

class FetchFailure extends Error {
  readonly code: ErrorCode;
  readonly output: string;
  constructor(code: ErrorCode, output: string) {
    super(output);
    this.code = code;
    this.output = output;
  }
}
