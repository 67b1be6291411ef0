import { ReleaseError, registerSecret } from '@chart-release/core';
import { httpErrorFrom } from './http-error.ts';

/**
 * Registry credentials: a user and password (or personal access token), a ready registry bearer token, or an
 * identity token (an OAuth2 refresh token, what `docker login` keeps for registries with single sign-on).
 */
export type RegistryCredentials = { username: string; password: string } | { token: string } | { identityToken: string };

/** One `WWW-Authenticate` challenge (RFC 9110 section 11.6.1), as registries send them. */
export interface AuthChallenge {
  scheme: 'basic' | 'bearer';
  realm?: string;
  service?: string;
  scope?: string;
}

/** Parses `Bearer realm="...",service="...",scope="..."` or `Basic realm="..."`; undefined for anything else. */
export function parseChallenge(header: string | null): AuthChallenge | undefined {
  if (!header) return undefined;
  const match = /^\s*(Basic|Bearer)\b\s*(.*)$/i.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const [, key, quoted, bare] of match[2]!.matchAll(/([A-Za-z_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g)) {
    params[key!.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare!;
  }
  return { scheme: match[1]!.toLowerCase() as 'basic' | 'bearer', realm: params.realm, service: params.service, scope: params.scope };
}

/** The token scope for repository operations (https://distribution.github.io/distribution/spec/auth/scope/). */
export function repositoryScope(repository: string, actions: readonly string[]): string {
  return `repository:${repository}:${[...new Set(actions)].sort().join(',')}`;
}

interface CachedToken {
  token: string;
  actions: Set<string>;
  expiresAt: number;
}

export type AuthFetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Answers a registry's auth challenges: Basic credentials, or the Bearer flow (token endpoint named by the
 * challenge, asked for `repository:<name>:<actions>`), with tokens cached per repository and action set.
 */
export class RegistryAuth {
  readonly #registry: string;
  readonly #credentials?: RegistryCredentials;
  readonly #tokens = new Map<string, CachedToken>();
  #scheme?: 'basic' | 'bearer';

  constructor(registry: string, credentials?: RegistryCredentials) {
    this.#registry = registry;
    this.#credentials = credentials;
    if (credentials && 'token' in credentials) registerSecret(credentials.token);
    if (credentials && 'password' in credentials) registerSecret(credentials.password);
    if (credentials && 'identityToken' in credentials) registerSecret(credentials.identityToken);
  }

  /** The `Authorization` header to send up front for `repository`/`actions`, if one is known. */
  headerFor(repository: string | undefined, actions: readonly string[]): string | undefined {
    const creds = this.#credentials;
    if (creds && 'token' in creds) return `Bearer ${creds.token}`;
    if (this.#scheme === 'basic' && creds && 'password' in creds) return basicHeader(creds);
    if (this.#scheme === 'bearer') {
      const cached = this.#tokens.get(repository ?? '');
      if (cached && cached.expiresAt > Date.now() && actions.every((a) => cached.actions.has(a))) return `Bearer ${cached.token}`;
    }
    return undefined;
  }

  /**
   * Answers a 401: returns the header to retry with once, or throws `REGISTRY_AUTH_FAILED` when there is nothing
   * left to try. A token endpoint that is down throws a retryable error instead.
   */
  async answer(response: Response, repository: string | undefined, actions: readonly string[], fetchFn: AuthFetch, sent?: string): Promise<string> {
    const challenge = parseChallenge(response.headers.get('www-authenticate'));
    const creds = this.#credentials;
    if (!challenge) throw this.failed(repository, 401, 'no Basic or Bearer challenge to answer');
    // a ready-made token that the registry refuses cannot be exchanged for anything better
    if (creds && 'token' in creds) throw this.failed(repository, 401);
    if (challenge.scheme === 'bearer') {
      this.#tokens.delete(repository ?? '');
      return this.#fetchToken(challenge, repository, actions, fetchFn);
    }
    if (!creds) throw this.failed(repository, 401);
    if (!('password' in creds)) throw this.failed(repository, 401, 'an identity token only works with a Bearer token endpoint');
    this.#scheme = 'basic';
    const header = basicHeader(creds);
    if (sent === header) throw this.failed(repository, 401);
    return header;
  }

  /** The error for refused credentials: names the registry, repository and user, never a secret. */
  failed(repository: string | undefined, status: number, why?: string): ReleaseError {
    const creds = this.#credentials;
    const who = !creds
      ? 'anonymously'
      : 'token' in creds
        ? 'with the given token'
        : 'identityToken' in creds
          ? 'with an identity token'
          : `as user '${creds.username}'`;
    const what = repository ? ` to repository '${repository}'` : '';
    return new ReleaseError('REGISTRY_AUTH_FAILED', `${this.#registry} refused access${what} ${who} (HTTP ${status}${why ? `: ${why}` : ''}).`, {
      hint: !creds
        ? `log in: pass --username and --password-stdin, set CHART_RELEASE_REGISTRY_USERNAME/PASSWORD${this.#registry === 'ghcr.io' ? ' or GITHUB_TOKEN' : ''}, or run 'helm registry login ${this.#registry}'`
        : 'check the username and password or token, and that it may push to this repository (GITHUB_TOKEN needs `packages: write`)',
      details: { registry: this.#registry, repository, status },
    });
  }

  async #fetchToken(challenge: AuthChallenge, repository: string | undefined, actions: readonly string[], fetchFn: AuthFetch): Promise<string> {
    if (!challenge.realm) throw this.failed(repository, 401, 'the Bearer challenge names no token realm');
    this.#scheme = 'bearer';
    const url = new URL(challenge.realm);
    if (challenge.service) url.searchParams.set('service', challenge.service);
    const wanted = new Set(actions);
    if (repository) url.searchParams.append('scope', repositoryScope(repository, [...wanted]));
    else if (challenge.scope) url.searchParams.append('scope', challenge.scope);
    const creds = this.#credentials;
    const headers: Record<string, string> = {};
    if (creds && 'password' in creds) headers.authorization = basicHeader(creds);
    // an identity token is a refresh token: the OAuth2 form (https://distribution.github.io/distribution/spec/auth/oauth/)
    const response =
      creds && 'identityToken' in creds
        ? await fetchFn(`${url.origin}${url.pathname}`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: oauthForm(url.searchParams, creds.identityToken),
          })
        : await fetchFn(url.href, { method: 'GET', headers });
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw this.failed(repository, response.status, 'the token endpoint refused the credentials');
    }
    if (!response.ok) {
      throw await httpErrorFrom('GET', `${url.origin}${url.pathname}`, response);
    }
    const body = (await response.json()) as { token?: string; access_token?: string; expires_in?: number };
    const token = body.token ?? body.access_token;
    if (!token) throw this.failed(repository, response.status, 'the token endpoint answered without a token');
    registerSecret(token);
    const lifetime = Math.max(10, body.expires_in ?? 60);
    this.#tokens.set(repository ?? '', { token, actions: wanted, expiresAt: Date.now() + (lifetime - 5) * 1000 });
    return `Bearer ${token}`;
  }
}

function oauthForm(query: URLSearchParams, refreshToken: string): string {
  const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'chart-release' });
  const service = query.get('service');
  if (service) form.set('service', service);
  const scopes = query.getAll('scope');
  if (scopes.length) form.set('scope', scopes.join(' '));
  return form.toString();
}

function basicHeader(creds: { username: string; password: string }): string {
  const encoded = Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
  registerSecret(encoded);
  return `Basic ${encoded}`;
}
