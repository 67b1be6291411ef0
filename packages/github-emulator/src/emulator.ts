import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerSecret, silentLogger, type Logger } from '@chart-release/core';
import { handleApiRequest, type ApiOrigin, type RecordedRequest, type SchemaViolation } from './api-handler.ts';
import { handleControlRequest } from './control.ts';
import { FaultInjector, type FaultOptions } from './faults.ts';
import { githubApiDescription } from './openapi.ts';
import { loadState, saveState } from './persistence.ts';
import { PrimaryRateLimit, type RateLimitOptions } from './rate-limit.ts';
import type { RenderContext } from './render-repo.ts';
import { assetRoutes } from './routes-assets.ts';
import { attestationRoutes } from './routes-attestations.ts';
import { contentRoutes } from './routes-contents.ts';
import type { RouteResponse } from './routes-context.ts';
import { gitDataRoutes } from './routes-git-data.ts';
import { repoRoutes } from './routes-repos.ts';
import { gitRoutes } from './routes-git.ts';
import { pullRoutes } from './routes-pulls.ts';
import { rateLimitRoutes } from './routes-rate-limit.ts';
import { releaseRoutes } from './routes-releases.ts';
import { SecondaryLimits, type SecondaryLimitOptions } from './secondary-limits.ts';
import { applySeed, type EmulatorSeed } from './seed.ts';
import { emptyState, type EmulatorState } from './state.ts';
import { handlePagesRequest, handleStorageRequest, handleWebRequest, pagesSiteUrl, type WebAccess } from './web-origins.ts';

export interface StartGitHubEmulatorOptions {
  /** 0 (any free port) by default; the emulator listens on 127.0.0.1 only. */
  port?: number;
  /** Accepted tokens (`Authorization: token X` or `Bearer X`); a random `ghp_…` token by default. */
  token?: string | string[];
  /** Tokens that may read (public and private repositories) but not write or see drafts: 403 on writes. */
  readOnlyTokens?: string[];
  /** The account every token acts as (release author, uploader); `github-actions[bot]` by default. */
  login?: string;
  /** A response that fails the schema becomes a 500 naming the problems (true by default); always recorded. */
  strict?: boolean;
  seed?: EmulatorSeed;
  /** Load the state from this JSON file if it exists (the seed is then not applied), and save it there after every change. */
  statePath?: string;
  faults?: FaultOptions;
  /** Added to every API response. */
  latencyMs?: number;
  /** Primary rate limit (`x-ratelimit-*`); on with GitHub's 5000 per hour by default, `false` turns it off. */
  rateLimit?: RateLimitOptions | false;
  /**
   * Serve the API under `/api/v3` and asset uploads under `/api/uploads`, as GitHub Enterprise Server does (`url`
   * then ends in `/api/v3`); by default the API is at the root, as on github.com.
   */
  enterprise?: boolean;
  /**
   * Enforce GitHub's secondary limits (80 content-creating requests a minute, 500 an hour, 100 in flight per
   * token) with its 403/429 answer and `Retry-After`; off by default. `timeScale` makes the windows pass faster.
   */
  secondaryLimits?: SecondaryLimitOptions | boolean;
  /** `x-oauth-scopes` of the tokens (`repo, workflow` by default); tokens starting `ghs_` are installation tokens and get none. */
  scopes?: string[];
  /** Serve GET requests without a token for public repositories, as GitHub does (true by default). */
  anonymousReads?: boolean;
  logger?: Logger;
}

/** A running emulator. `url` is the API root (like https://api.github.com), for Octokit's `baseUrl`. */
export interface GitHubEmulator {
  url: string;
  /** Where asset uploads go (uploads.github.com; `/api/uploads` on Enterprise Server); `upload_url` points here. */
  uploadsUrl: string;
  /** The web origin (github.com): `html_url` and `browser_download_url` (which redirects to storage). */
  webUrl: string;
  /** Release asset storage, another origin: downloads redirect here with a signed URL; it refuses `Authorization`. */
  storageUrl: string;
  /** The GitHub Pages origin; a repository's site is at `pagesUrl/{owner}/{repo}/`. */
  pagesUrl: string;
  /** The Pages site of a repository (its `gh-pages` branch by default), with a trailing slash: `helm repo add` it. */
  pagesSiteUrl(owner: string, repo: string): string;
  /** The first accepted token. */
  token: string;
  /** The live state; tests may read and change it directly. */
  readonly state: EmulatorState;
  readonly requests: RecordedRequest[];
  readonly schemaViolations: SchemaViolation[];
  setFaults(faults: FaultOptions): void;
  seed(seed: EmulatorSeed): void;
  /** Back to the startup seed; forgets requests and violations. */
  reset(): void;
  /** Writes the state file now (it is also written after every change). */
  save(): void;
  /** Saves the state and closes the server; calling it again does nothing. */
  stop(): Promise<void>;
}

const DEFAULT_LOGIN = 'github-actions[bot]';
/** Where GitHub Enterprise Server serves the REST API and release asset uploads. */
const ENTERPRISE_PREFIXES = ['/api/v3', '/api/uploads'] as const;

/** Starts a GitHub REST emulator on 127.0.0.1 that checks every request and response against GitHub's OpenAPI description. */
export async function startGitHubEmulator(options: StartGitHubEmulatorOptions = {}): Promise<GitHubEmulator> {
  const description = githubApiDescription();
  const tokens = [options.token ?? `ghp_${randomBytes(18).toString('hex')}`].flat();
  for (const token of [...tokens, ...(options.readOnlyTokens ?? [])]) registerSecret(token);
  const login = options.login ?? DEFAULT_LOGIN;
  const logger = options.logger ?? silentLogger;
  const state = emptyState();
  const requests: RecordedRequest[] = [];
  const schemaViolations: SchemaViolation[] = [];
  const faults = new FaultInjector(options.faults);
  const startupSeed = options.seed ?? {};

  const persisted = options.statePath ? loadState<RecordedRequest>(options.statePath) : undefined;
  if (persisted) {
    Object.assign(state, persisted.state);
    requests.push(...persisted.requests);
  } else applySeed(state, startupSeed, login);

  const settings = {
    description,
    routes: {
      ...gitRoutes,
      ...repoRoutes,
      ...gitDataRoutes,
      ...contentRoutes,
      ...releaseRoutes,
      ...assetRoutes,
      ...pullRoutes,
      ...attestationRoutes,
      ...rateLimitRoutes,
    },
    tokens: new Set(tokens),
    readOnlyTokens: new Set(options.readOnlyTokens ?? []),
    login,
    strict: options.strict ?? true,
    anonymousReads: options.anonymousReads ?? true,
    scopes: options.scopes ?? ['repo', 'workflow'],
    secondaryLimits: options.secondaryLimits ? new SecondaryLimits(options.secondaryLimits === true ? {} : options.secondaryLimits) : undefined,
    latencyMs: options.latencyMs ?? 0,
    faults,
    rateLimit: options.rateLimit === false ? undefined : new PrimaryRateLimit(options.rateLimit),
  };
  const ctx: RenderContext = { state, baseUrl: '', uploadsUrl: '', webUrl: '', storageUrl: '', pagesUrl: '', storageSecret: randomBytes(16).toString('hex') };
  const access: WebAccess = {
    access(authorization) {
      const token = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization ?? '')?.[1];
      if (token !== undefined && settings.tokens.has(token)) return 'push';
      return token !== undefined && settings.readOnlyTokens.has(token) ? 'read' : 'none';
    },
  };
  const save = () => {
    if (options.statePath) saveState(options.statePath, state, requests);
  };
  let nextRequestId = (requests.at(-1)?.id ?? 0) + 1;

  const emulator: GitHubEmulator = {
    url: '',
    uploadsUrl: '',
    webUrl: '',
    storageUrl: '',
    pagesUrl: '',
    pagesSiteUrl: (owner, repo) => pagesSiteUrl(ctx, owner, repo),
    token: tokens[0]!,
    state,
    requests,
    schemaViolations,
    setFaults: (f) => faults.set(f),
    seed(seed) {
      applySeed(state, seed, login);
      save();
    },
    reset() {
      for (const key of Object.keys(state)) delete (state as unknown as Record<string, unknown>)[key];
      Object.assign(state, emptyState());
      applySeed(state, startupSeed, login);
      requests.length = 0;
      schemaViolations.length = 0;
      faults.set({});
      save();
    },
    save,
    stop: async () => {
      if (!servers.some((s) => s.listening)) return;
      save();
      await Promise.all(servers.map((server) => closeServer(server)));
    },
  };

  const serve = async (req: IncomingMessage, res: ServerResponse, origin: ApiOrigin) => {
    const raw = await readBody(req);
    if (options.enterprise && !/^\/_emulator(?:[/?]|$)/.test(req.url ?? '')) {
      // Enterprise Server: the API and uploads under their prefixes (the emulator's own endpoints anywhere), the
      // web at the root; the routes below see the path without the prefix
      const prefix = ENTERPRISE_PREFIXES.find((p) => req.url === p || req.url?.startsWith(`${p}/`) || req.url?.startsWith(`${p}?`));
      if (!prefix) return sendResponse(res, handleWebRequest(ctx, access, req));
      req.url = req.url!.slice(prefix.length) || '/';
      origin = prefix === ENTERPRISE_PREFIXES[1] ? 'uploads' : 'api';
    }
    const path = new URL(req.url ?? '/', ctx.baseUrl).pathname;
    if (origin === 'api' && (path === '/_emulator' || path.startsWith('/_emulator/'))) return sendResponse(res, handleControlRequest(emulator, ctx, req, raw));
    const outcome = await handleApiRequest(settings, ctx, req, raw, nextRequestId++, origin);
    requests.push(outcome.record);
    if (outcome.violation) {
      schemaViolations.push(outcome.violation);
      logger.warn(
        `${outcome.record.method} ${outcome.record.path}: response does not match the OpenAPI description: ${outcome.violation.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`,
      );
    }
    logger.info(
      `${outcome.record.method} ${outcome.record.path} -> ${outcome.status}${outcome.record.operationId ? ` (${outcome.record.operationId})` : ''}${outcome.record.fault ? ` [${outcome.record.fault}]` : ''}`,
    );
    if (outcome.mutated) save();
    send(res, outcome.status, outcome.body, outcome.bytes, outcome.headers);
  };

  const guarded = (handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>) =>
    createServer((req, res) => {
      handler(req, res).catch((error: unknown) => {
        logger.error(`internal error serving ${req.method} ${req.url}: ${(error as Error).stack ?? String(error)}`);
        if (!res.headersSent)
          send(res, 500, { message: `github-emulator internal error: ${(error as Error).message}`, documentation_url: 'https://docs.github.com/rest' });
        else res.destroy();
      });
    });
  const plain = (handler: (req: IncomingMessage) => RouteResponse) =>
    guarded(async (req, res) => {
      await readBody(req);
      sendResponse(res, handler(req));
    });
  const servers: Server[] = [];
  const listen = async (server: Server, port = 0) => {
    servers.push(server);
    return `http://127.0.0.1:${await listenOn(server, port)}`;
  };
  const root = await listen(
    guarded((req, res) => serve(req, res, 'api')),
    options.port,
  );
  if (options.enterprise) {
    ctx.webUrl = root;
    ctx.baseUrl = `${root}${ENTERPRISE_PREFIXES[0]}`;
    ctx.uploadsUrl = `${root}${ENTERPRISE_PREFIXES[1]}`;
  } else {
    ctx.baseUrl = root;
    ctx.uploadsUrl = await listen(guarded((req, res) => serve(req, res, 'uploads')));
    ctx.webUrl = await listen(plain((req) => handleWebRequest(ctx, access, req)));
  }
  ctx.storageUrl = await listen(plain((req) => handleStorageRequest(ctx, req)));
  ctx.pagesUrl = await listen(plain((req) => handlePagesRequest(ctx, req)));
  Object.assign(emulator, { url: ctx.baseUrl, uploadsUrl: ctx.uploadsUrl, webUrl: ctx.webUrl, storageUrl: ctx.storageUrl, pagesUrl: ctx.pagesUrl });
  return emulator;
}

async function listenOn(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: Server): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  server.closeAllConnections();
  await closed;
}

function sendResponse(res: ServerResponse, response: RouteResponse): void {
  send(res, response.status, response.body, response.bytes, response.headers);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown, bytes?: Buffer, headers: Record<string, string> = {}): void {
  const payload = bytes ?? (body === undefined ? undefined : Buffer.from(JSON.stringify(body)));
  res.writeHead(status, {
    'x-github-request-id': randomBytes(8).toString('hex').toUpperCase(),
    'x-github-api-version-selected': '2022-11-28',
    'x-github-media-type': 'github.v3; format=json',
    ...(bytes === undefined && payload ? { 'content-type': 'application/json; charset=utf-8' } : {}),
    ...headers,
    ...(payload ? { 'content-length': String(payload.length) } : {}),
  });
  res.end(payload);
}
