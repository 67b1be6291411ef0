import type { IncomingMessage } from 'node:http';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { notModified, withValidators } from './conditional.ts';
import { CONTENT_CREATION_LIMIT_MESSAGE, type SecondaryLimits } from './secondary-limits.ts';
import { GitHubHttpError, badCredentials, notFound, requiresAuthentication } from './github-errors.ts';
import { SECONDARY_RATE_LIMIT_MESSAGE, type FaultInjector } from './faults.ts';
import type { GitHubApiDescription, SchemaProblem } from './openapi.ts';
import { PrimaryRateLimit, type RateLimitStatus } from './rate-limit.ts';
import type { RenderContext } from './render-repo.ts';
import { invalidRequest } from './request-problems.ts';
import type { RouteHandler, RouteResponse } from './routes-context.ts';
import { ensureUser, findRepo } from './state.ts';

/** One API request as the emulator saw it (GET /_emulator/requests). */
export interface RecordedRequest {
  id: number;
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  operationId?: string;
  status: number;
  /** The account the token acts as; absent for anonymous requests. */
  actor?: string;
  /** The JSON request body, or `{bytes: N}` for uploads. */
  body?: unknown;
  /** `server-error`, `secondary-rate-limit`, `rate-limit`, `schema` when the emulator itself decided the status. */
  fault?: string;
}

/** A response that does not match GitHub's OpenAPI description (a bug in the emulator, or a corrupted state). */
export interface SchemaViolation {
  requestId: number;
  operationId: string;
  method: string;
  path: string;
  status: number;
  problems: SchemaProblem[];
}

export interface ApiSettings {
  description: GitHubApiDescription;
  routes: Record<string, RouteHandler>;
  tokens: ReadonlySet<string>;
  /** Tokens that may read but not write (a workflow token without `contents: write`). */
  readOnlyTokens: ReadonlySet<string>;
  login: string;
  strict: boolean;
  anonymousReads: boolean;
  latencyMs: number;
  faults: FaultInjector;
  rateLimit: PrimaryRateLimit | undefined;
  /** GitHub's secondary limits, when enforced (off by default). */
  secondaryLimits: SecondaryLimits | undefined;
  /** Sent as `x-oauth-scopes` for classic tokens (installation tokens, `ghs_…`, get none, as on GitHub). */
  scopes: string[];
}

export interface ApiOutcome extends RouteResponse {
  record: RecordedRequest;
  violation?: SchemaViolation;
  /** A successful request that changed the state (persist it). */
  mutated: boolean;
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/** Which origin a request came in on: the API, or the uploads host (which serves asset uploads and nothing else). */
export type ApiOrigin = 'api' | 'uploads';

const UPLOAD_OPERATION = 'repos/upload-release-asset';
const LEGACY_REFS = /^\/repos\/([^/]+)\/([^/]+)\/git\/refs(?:\/(.*))?$/;

/**
 * The older `GET /repos/{owner}/{repo}/git/refs[/{ref}]` that GitHub still serves but the description no longer
 * lists: an exact ref is `git/get-ref`, anything else the refs under the prefix (`git/list-matching-refs`).
 */
function matchLegacyRefs(settings: ApiSettings, ctx: RenderContext, path: string) {
  const found = LEGACY_REFS.exec(path);
  if (!found) return undefined;
  const [, owner, name, rest = ''] = found;
  const ref = rest.replace(/\/+$/, '');
  const repo = findRepo(ctx.state, decodeURIComponent(owner!), decodeURIComponent(name!));
  if (ref && repo?.refs.some((r) => r.ref === `refs/${decodeURIComponent(ref)}`))
    return settings.description.match('GET', `/repos/${owner}/${name}/git/ref/${ref}`);
  const matched = settings.description.match('GET', `/repos/${owner}/${name}/git/matching-refs/${ref || 'heads'}`);
  return matched && { ...matched, params: { ...matched.params, ref: decodeURIComponent(ref) } };
}

/** Serves one API request: match, authenticate, limit, inject faults, validate, route, validate the response. */
export async function handleApiRequest(
  settings: ApiSettings,
  ctx: RenderContext,
  req: IncomingMessage,
  raw: Buffer,
  id: number,
  origin: ApiOrigin = 'api',
): Promise<ApiOutcome> {
  const held: { key?: string } = {};
  try {
    return await serveApiRequest(settings, ctx, req, raw, id, origin, held);
  } finally {
    if (held.key !== undefined) settings.secondaryLimits?.leave(held.key);
  }
}

async function serveApiRequest(
  settings: ApiSettings,
  ctx: RenderContext,
  req: IncomingMessage,
  raw: Buffer,
  id: number,
  origin: ApiOrigin,
  held: { key?: string },
): Promise<ApiOutcome> {
  const method = (req.method ?? 'GET').toUpperCase();
  // the URL as the client sees it (Link headers repeat it, with any Enterprise prefix); `path` is the route's path
  const url = new URL(`${origin === 'uploads' ? ctx.uploadsUrl : ctx.baseUrl}${req.url ?? '/'}`);
  const path = new URL(req.url ?? '/', 'http://emulator').pathname;
  const record: RecordedRequest = { id, time: new Date().toISOString(), method, path, query: Object.fromEntries(url.searchParams), status: 0 };
  const requestId = githubRequestId();
  const headers: Record<string, string> = { 'x-github-request-id': requestId };
  const finish = (response: RouteResponse, extra: Partial<ApiOutcome> = {}): ApiOutcome => {
    record.status = response.status;
    return { ...response, headers: { ...headers, ...response.headers }, record, mutated: false, ...extra };
  };
  const fail = (error: GitHubHttpError, fault?: string) => {
    if (fault) record.fault = fault;
    // the uploads host names the request in its error bodies (recorded: `{message, request_id, documentation_url, errors}`)
    const body = origin === 'uploads' ? { message: error.body.message, request_id: requestId, ...error.body } : error.body;
    return finish({ status: error.status, body, headers: error.headers });
  };

  // secondary limits count a token's requests from arrival, so the time spent in flight (latency) counts too
  const presented = /^(?:token|bearer)\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
  if (settings.secondaryLimits && presented !== undefined && (settings.tokens.has(presented) || settings.readOnlyTokens.has(presented))) {
    const decision = settings.secondaryLimits.enter(presented, method);
    if (decision.limited) {
      // GitHub's answer carries the primary limit's headers too (remaining above 0: a client tells the two apart)
      const primary = settings.rateLimit ? PrimaryRateLimit.headers(settings.rateLimit.take(presented)) : {};
      const message = decision.reason === 'concurrency' ? `${SECONDARY_RATE_LIMIT_MESSAGE} ${requestId}.` : CONTENT_CREATION_LIMIT_MESSAGE;
      return fail(
        new GitHubHttpError(decision.status, message, {
          headers: { ...primary, 'retry-after': String(decision.retryAfterSeconds) },
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        }),
        'secondary-rate-limit',
      );
    }
    held.key = presented;
  }

  const delay = settings.latencyMs + settings.faults.latencyMs;
  if (delay > 0) await sleep(delay);

  const rootContents = method === 'GET' ? /^\/repos\/([^/]+)\/([^/]+)\/contents\/?$/.exec(path) : null;
  const root = rootContents ? settings.description.match('GET', `/repos/${rootContents[1]}/${rootContents[2]}/contents/x`) : undefined;
  const legacy = method === 'GET' ? (matchLegacyRefs(settings, ctx, path) ?? (root && { ...root, params: { ...root.params, path: '' } })) : undefined;
  let matched = legacy ?? settings.description.match(method, path);
  // uploads go to the uploads origin only, and it serves nothing else (a client must follow `upload_url`)
  if (matched && (matched.operationId === UPLOAD_OPERATION) !== (origin === 'uploads')) matched = undefined;
  if (matched) record.operationId = matched.operationId;

  // authentication: a wrong token is always 401; no token is fine for reads of public data
  const token = /^(?:token|bearer)\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''))?.[1];
  const known = token !== undefined && (settings.tokens.has(token) || settings.readOnlyTokens.has(token));
  if (req.headers.authorization !== undefined && !known) return fail(badCredentials());
  const actor = token ? settings.login : undefined;
  const canPush = token !== undefined && settings.tokens.has(token);
  if (actor) record.actor = actor;
  if (token !== undefined && !token.startsWith('ghs_')) {
    headers['x-oauth-scopes'] = settings.scopes.join(', ');
    headers['x-accepted-oauth-scopes'] = matched ? acceptedScopes(matched.template) : '';
  }

  let rateLimit: RateLimitStatus | undefined;
  const rateKey = token ?? `anonymous:${req.socket.remoteAddress ?? ''}`;
  if (settings.rateLimit) {
    const key = rateKey;
    const status = matched?.operationId === 'rate-limit/get' ? settings.rateLimit.peek(key) : settings.rateLimit.take(key);
    rateLimit = status;
    Object.assign(headers, PrimaryRateLimit.headers(status));
    if (status.exceeded) {
      return fail(
        new GitHubHttpError(403, `API rate limit exceeded for ${actor ? `user ID ${ensureUser(ctx.state, actor).id}` : req.socket.remoteAddress}.`, {
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        }),
        'rate-limit',
      );
    }
  }
  if (!matched) return fail(notFound());
  if (!actor && (!READ_METHODS.has(method) || !settings.anonymousReads)) return fail(requiresAuthentication());
  // what GitHub answers a GITHUB_TOKEN whose permissions do not cover the write
  if (actor && !canPush && !READ_METHODS.has(method)) return fail(new GitHubHttpError(403, 'Resource not accessible by integration'));

  const fault = settings.faults.decide(matched.operationId, method, matched.template);
  if (fault?.kind === 'secondary-rate-limit') {
    return fail(
      new GitHubHttpError(fault.status, `${SECONDARY_RATE_LIMIT_MESSAGE} ${requestId}.`, {
        headers: { 'retry-after': String(fault.retryAfter) },
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      }),
      fault.kind,
    );
  }
  if (fault?.kind === 'server-error') return fail(new GitHubHttpError(fault.status, fault.status === 502 ? 'Server Error' : 'Service Unavailable'), fault.kind);

  const upload = matched.operationId === UPLOAD_OPERATION;
  let body: Record<string, unknown> | undefined;
  if (upload) record.body = { bytes: raw.length };
  else if (raw.length > 0) {
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      return fail(new GitHubHttpError(400, 'Problems parsing JSON'));
    }
    record.body = body;
  }

  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    query[key] = all.length > 1 ? all : all[0]!;
  }
  const requestProblems = settings.description.validateRequest(matched.operation, {
    method,
    path: matched.path,
    headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
    query,
    body: upload ? undefined : body,
  });
  if (requestProblems.length) return fail(invalidRequest(requestProblems, body, url.searchParams), 'schema');

  const route = settings.routes[matched.operationId];
  if (!route) {
    return fail(new GitHubHttpError(501, `github-emulator does not implement ${matched.operationId} (${method} ${matched.template})`));
  }
  let response: RouteResponse;
  try {
    response = route(ctx, {
      operationId: matched.operationId,
      params: matched.params,
      method,
      url,
      headers: req.headers,
      body,
      raw,
      actor,
      canPush,
      rateLimit,
      legacyRefs: legacy !== undefined,
    });
  } catch (error) {
    if (error instanceof GitHubHttpError) return fail(error);
    throw error;
  }

  if (response.bytes === undefined) {
    const problems = settings.description.validateResponse(matched.operation, response.status, response.body ?? null);
    if (problems.length) {
      const violation: SchemaViolation = { requestId: id, operationId: matched.operationId, method, path, status: response.status, problems };
      if (settings.strict) {
        record.fault = 'invalid-response';
        return finish(
          {
            status: 500,
            body: {
              message: `github-emulator: the ${matched.operationId} response does not match GitHub's OpenAPI description`,
              errors: problems,
              documentation_url: 'https://github.com/github/rest-api-description',
              status: '500',
            },
          },
          { violation, mutated: !READ_METHODS.has(method) },
        );
      }
      return finish(response, { violation, mutated: !READ_METHODS.has(method) && response.status < 400 });
    }
  }
  response = withValidators(response, actor !== undefined);
  if (method === 'GET') {
    if (notModified(req.headers, response)) {
      if (actor && settings.rateLimit) Object.assign(headers, PrimaryRateLimit.headers(settings.rateLimit.refund(rateKey)));
      return finish({ status: 304, headers: response.headers });
    }
  }
  return finish(response, { mutated: !READ_METHODS.has(method) && response.status < 400 });
}

/** A request id shaped like GitHub's `x-github-request-id` (`C0DE:1A2B:3C4D5E:6F7A8B:9C0D1E2F`). */
function githubRequestId(): string {
  return [2, 2, 3, 3, 4].map((n) => randomBytes(n).toString('hex').toUpperCase()).join(':');
}

/** The scope GitHub names in `x-accepted-oauth-scopes`: `repo` for repository operations, none elsewhere. */
function acceptedScopes(template: string): string {
  if (template.startsWith('/repos/') || template === '/user/repos' || template === '/orgs/{org}/repos') return 'repo';
  return '';
}
