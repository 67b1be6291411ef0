import { readFileSync } from 'node:fs';
import { ReleaseError, silentLogger, type Logger } from '@chart-release/core';
import type { Agent } from 'undici';
import { RegistryAuth, type RegistryCredentials } from './auth.ts';
import { httpErrorFrom, networkFailureCode, RegistryNetworkError } from './http-error.ts';
import { retryPolicy, type RetryOptions, type RetryPolicy } from './retry.ts';

export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

/** How to reach one registry. */
export interface RegistryClientOptions {
  /** `host[:port]`, as in `oci://host/...`. */
  registry: string;
  /** Talk plain HTTP instead of HTTPS. */
  plainHttp?: boolean;
  /** PEM file with the CA that signed the registry's TLS certificate. */
  caFile?: string;
  /** Accept any TLS certificate (tests, self-signed registries). */
  insecureSkipTlsVerify?: boolean;
  credentials?: RegistryCredentials;
  /** The retry policy, or options for the default one. */
  retry?: RetryPolicy | RetryOptions;
  logger?: Logger;
  /** A fetch to use instead of undici's (tests). */
  fetch?: FetchFunction;
}

/** One registry request: the body is a factory so that a retry can send it again (a file stream is reopened). */
export interface RegistryRequest {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** A path below the registry (`/v2/...`) or an absolute URL from a `Location` header. */
  path: string;
  /** The repository the token must cover, and the actions it needs. */
  repository?: string;
  actions: readonly ('pull' | 'push' | 'delete')[];
  headers?: Record<string, string>;
  body?: () => NonNullable<RequestInit['body']>;
  /** Statuses that count as an answer (the caller reads them); anything else is an error. */
  expect: number[];
  /** Human name of the operation for logs and errors, e.g. `HEAD manifest web-app:1.0.0`. */
  operation: string;
}

/** Sends registry requests with auth and the retry policy; `RegistryClient` builds on it. */
export class RegistryTransport {
  readonly registry: string;
  readonly baseUrl: string;
  readonly logger: Logger;
  readonly retry: RetryPolicy;
  readonly auth: RegistryAuth;
  readonly #fetch: FetchFunction;

  constructor(options: RegistryClientOptions) {
    this.registry = options.registry;
    this.baseUrl = `${options.plainHttp ? 'http' : 'https'}://${options.registry}`;
    this.logger = options.logger ?? silentLogger;
    this.retry = options.retry && 'run' in options.retry ? options.retry : retryPolicy(options.retry as RetryOptions | undefined, this.logger);
    this.auth = new RegistryAuth(options.registry, options.credentials);
    if (options.fetch) {
      this.#fetch = options.fetch;
    } else {
      const connect = {
        ...(options.caFile ? { ca: readFileSync(options.caFile, 'utf8') } : {}),
        ...(options.insecureSkipTlsVerify ? { rejectUnauthorized: false } : {}),
      };
      // undici loads with the first request, not with every command that can talk to a registry
      let client: Promise<{ dispatcher: Agent; fetch: typeof import('undici').fetch }> | undefined;
      const undici = () => (client ??= import('undici').then(({ Agent, fetch }) => ({ dispatcher: new Agent({ connect }), fetch })));
      this.#fetch = async (url, init) => {
        const { dispatcher, fetch } = await undici();
        return fetch(url, { ...(init as object), dispatcher } as Parameters<typeof fetch>[1]) as unknown as Promise<Response>;
      };
    }
  }

  /** Sends `request` under the retry policy, answering one auth challenge per attempt; returns the response. */
  async send(request: RegistryRequest): Promise<Response> {
    return this.retry.run(`${request.operation} (${this.registry})`, () => this.once(request));
  }

  /** Sends `request` once (auth challenge included, no retry): for multi-request units the caller retries whole. */
  async once(request: RegistryRequest): Promise<Response> {
    const url = request.path.startsWith('/') ? `${this.baseUrl}${request.path}` : request.path;
    const sent = this.auth.headerFor(request.repository, request.actions);
    let response = await this.#raw(request, url, sent);
    if (response.status === 401) {
      await response.body?.cancel();
      const header = await this.auth.answer(response, request.repository, request.actions, (u, init) => this.#rawFetch(u, init), sent);
      response = await this.#raw(request, url, header);
      if (response.status === 401) {
        await response.body?.cancel();
        throw this.auth.failed(request.repository, 401);
      }
    }
    if (response.status === 403) {
      const error = await httpErrorFrom(request.method, redactUrl(url), response);
      throw this.auth.failed(request.repository, 403, error.ociErrors[0]);
    }
    if (!request.expect.includes(response.status)) {
      throw await httpErrorFrom(request.method, redactUrl(url), response);
    }
    return response;
  }

  #raw(request: RegistryRequest, url: string, authorization: string | undefined): Promise<Response> {
    const headers: Record<string, string> = { ...request.headers };
    if (authorization) headers.authorization = authorization;
    const body = request.body?.();
    const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers, redirect: 'follow' };
    if (body !== undefined) {
      init.body = body;
      init.duplex = 'half';
    }
    return this.#rawFetch(url, init);
  }

  async #rawFetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.#fetch(url, { ...init, signal: AbortSignal.timeout(this.retry.options.requestTimeoutMs) });
    } catch (error) {
      const code = networkFailureCode(error);
      if (code) throw new RegistryNetworkError(init.method ?? 'GET', redactUrl(url), code, error);
      if (isConnectFailure(error)) {
        throw new ReleaseError('REGISTRY_UNREACHABLE', `cannot reach ${this.registry}: ${describe(error)}.`, {
          hint: 'check the registry host, and --plain-http / --ca-file / --insecure-skip-tls-verify for its TLS setup',
          cause: error,
        });
      }
      throw error;
    }
  }
}

// upload URLs carry session state in their query; keep logs short and free of it
function redactUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

function isConnectFailure(error: unknown): boolean {
  const text = describe(error);
  // "bad port": fetch refuses ports the Fetch standard blocks (e.g. 1, 9, 6000)
  return /ENOTFOUND|certificate|CERT_|self[- ]signed|SSL|TLS|wrong version number|bad port/i.test(text);
}

function describe(error: unknown): string {
  const parts: string[] = [];
  for (let e = error as { message?: string; code?: string; cause?: unknown } | undefined, d = 0; e && d < 5; e = e.cause as typeof e, d++) {
    parts.push([e.code, e.message].filter(Boolean).join(' '));
  }
  return parts.join(': ');
}
