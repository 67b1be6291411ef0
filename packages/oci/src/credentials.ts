import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { registerSecret, ReleaseError } from '@chart-release/core';
import type { RegistryCredentials } from './auth.ts';

export interface ResolveCredentialsInput {
  /** `host[:port]` of the registry. */
  registry: string;
  /** From the command line; win over everything else. */
  flags?: { username?: string; password?: string };
  /** The environment (`process.env` in the CLIs). */
  env?: Record<string, string | undefined>;
  /** Docker's config (default `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`). */
  dockerConfigPath?: string;
  /** Helm's registry config (default `$HELM_REGISTRY_CONFIG`, else `~/.config/helm/registry/config.json`). */
  helmRegistryConfigPath?: string;
}

export interface ResolvedCredentials {
  credentials?: RegistryCredentials;
  /** Where they came from (never the secret): `flags`, `env:GITHUB_TOKEN`, `env:CHART_RELEASE_REGISTRY_*`, a config file path, or `anonymous`. */
  source: string;
}

/**
 * Finds registry credentials: flags, then the environment (`CHART_RELEASE_REGISTRY_USERNAME`/`_PASSWORD`, or
 * `GITHUB_TOKEN` for ghcr.io), then docker's config (its credential helpers included: `credHelpers`, `credsStore`)
 * and helm's registry config; anonymous otherwise. Every secret found is registered for redaction before it is
 * returned.
 */
export function resolveCredentials(input: ResolveCredentialsInput): ResolvedCredentials {
  const env = input.env ?? {};
  const { flags = {} } = input;
  if (flags.username !== undefined || flags.password !== undefined) {
    if (!flags.username || !flags.password) {
      throw new ReleaseError('USAGE', 'registry credentials need both a username and a password.', { hint: 'pass --username together with --password-stdin' });
    }
    return found({ username: flags.username, password: flags.password }, 'flags');
  }
  const user = env.CHART_RELEASE_REGISTRY_USERNAME;
  const password = env.CHART_RELEASE_REGISTRY_PASSWORD;
  if (user && password) return found({ username: user, password }, 'env:CHART_RELEASE_REGISTRY_*');
  if (env.GITHUB_TOKEN && normalizeHost(input.registry) === 'ghcr.io') {
    // ghcr.io takes a GITHUB_TOKEN as the password of the Basic credentials its token endpoint asks for
    return found({ username: env.GITHUB_ACTOR || 'x-access-token', password: env.GITHUB_TOKEN }, 'env:GITHUB_TOKEN');
  }
  const dockerConfig = input.dockerConfigPath ?? join(env.DOCKER_CONFIG || join(env.HOME || homedir(), '.docker'), 'config.json');
  const helmConfig =
    input.helmRegistryConfigPath ??
    env.HELM_REGISTRY_CONFIG ??
    join(env.HELM_CONFIG_HOME || join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'helm'), 'registry', 'config.json');
  for (const path of [dockerConfig, helmConfig]) {
    const credentials = fromConfigFile(path, input.registry, env);
    if (credentials) return found(credentials, path);
  }
  return { source: 'anonymous' };
}

type DockerConfig = {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string; registrytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
};

/**
 * The credentials for `registry` in a docker-style `config.json`: from the credential helper docker would ask
 * (`credHelpers.<host>`, else `credsStore`), else `auths.<host>` (`auth`, `username`/`password`, `registrytoken`,
 * `identitytoken`).
 */
export function fromConfigFile(path: string, registry: string, env: Record<string, string | undefined> = process.env): RegistryCredentials | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  let config: DockerConfig;
  try {
    config = JSON.parse(text) as typeof config;
  } catch (error) {
    throw new ReleaseError('CONFIG_INVALID', `${path} is not valid JSON: ${(error as Error).message}.`, {
      file: path,
      hint: 'fix or remove the file, or pass credentials with --username/--password-stdin',
    });
  }
  const wanted = normalizeHost(registry);
  const named = Object.entries(config.credHelpers ?? {}).find(([key]) => normalizeHost(key) === wanted)?.[1];
  const helper = named ?? config.credsStore;
  if (helper) {
    // a helper named for this registry must work; the general credsStore may be absent (a CI machine, say)
    const credentials = fromHelper(helper, wanted, path, env, named !== undefined);
    if (credentials) return credentials;
  }
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (normalizeHost(key) !== wanted) continue;
    if (entry.registrytoken) return { token: register(entry.registrytoken) };
    if (entry.identitytoken) return { identityToken: register(entry.identitytoken) };
    if (entry.username && entry.password) return { username: entry.username, password: register(entry.password) };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: register(decoded.slice(colon + 1)) };
    }
  }
  return undefined;
}

/**
 * Asks `docker-credential-<helper> get` for the registry, as docker does
 * (https://github.com/docker/docker-credential-helpers): the server on stdin, `{"Username","Secret"}` on stdout.
 * "credentials not found" is no answer (the next source is tried), as is a missing general `credsStore` helper; a
 * helper named for the registry that is missing, or any helper that fails otherwise, is an error naming it and the
 * config file.
 */
function fromHelper(helper: string, host: string, path: string, env: Record<string, string | undefined>, required: boolean): RegistryCredentials | undefined {
  const program = `docker-credential-${helper}`;
  const fail = (why: string) =>
    new ReleaseError('CREDENTIAL_HELPER_FAILED', `${program} (from ${path}) ${why}`, {
      file: path,
      hint: `install ${program} or remove it from ${path}, or pass credentials with CHART_RELEASE_REGISTRY_USERNAME/PASSWORD or --username/--password-stdin.`,
    });
  const server = host === 'docker.io' ? 'https://index.docker.io/v1/' : host;
  const result = spawnSync(program, ['get'], { input: server, encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
  if (result.error) {
    const missing = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    if (missing && !required) return undefined;
    throw fail(missing ? 'is not installed (not on PATH).' : `could not run: ${result.error.message}.`);
  }
  if (result.status !== 0) {
    const said = `${result.stdout}${result.stderr}`.trim();
    if (/credentials not found/i.test(said)) return undefined;
    throw fail(`failed for ${server} (exit ${result.status}): ${said.split('\n')[0] || 'no message'}.`);
  }
  let answer: { Username?: string; Secret?: string };
  try {
    answer = JSON.parse(result.stdout) as typeof answer;
  } catch {
    throw fail(`answered something that is not JSON for ${server}.`);
  }
  if (!answer.Secret) return undefined;
  registerSecret(answer.Secret);
  // docker's convention: the user `<token>` means the secret is an identity (refresh) token
  if (answer.Username === '<token>') return { identityToken: answer.Secret };
  return { username: answer.Username ?? '', password: answer.Secret };
}

// config keys come as `host`, `https://host`, `https://host/v1/`; Docker Hub has several aliases
function normalizeHost(key: string): string {
  const host = key
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/.*$/, '')
    .toLowerCase();
  return ['index.docker.io', 'registry-1.docker.io', 'docker.io'].includes(host) ? 'docker.io' : host;
}

function register(secret: string): string {
  registerSecret(secret);
  return secret;
}

function found(credentials: RegistryCredentials, source: string): ResolvedCredentials {
  registerSecret('password' in credentials ? credentials.password : 'token' in credentials ? credentials.token : credentials.identityToken);
  return { credentials, source };
}
