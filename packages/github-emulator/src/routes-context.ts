import type { IncomingHttpHeaders } from 'node:http';
import { notFound } from './github-errors.ts';
import { paginate } from './pagination.ts';
import type { RateLimitStatus } from './rate-limit.ts';
import type { RenderContext } from './render-repo.ts';
import { findRepo, type RepoRecord } from './state.ts';

/** A request matched to a GitHub operation, authenticated and validated against the OpenAPI description. */
export interface RouteRequest {
  operationId: string;
  params: Record<string, string>;
  method: string;
  /** The full request URL on the emulator. */
  url: URL;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined when there is none). */
  body: Record<string, unknown> | undefined;
  raw: Buffer;
  /** The authenticated account; undefined for anonymous requests. */
  actor: string | undefined;
  /** The token has push access (sees drafts, may write); read-only tokens do not. */
  canPush: boolean;
  /** The caller's primary rate limit, when limits are on. */
  rateLimit?: RateLimitStatus;
  /** Served through the older `GET /repos/{owner}/{repo}/git/refs[/{prefix}]` path. */
  legacyRefs?: boolean;
}

export interface RouteResponse {
  status: number;
  /** A JSON body, validated against the operation's response schema. */
  body?: unknown;
  /** Raw bytes instead of JSON (asset downloads). */
  bytes?: Buffer;
  headers?: Record<string, string>;
}

export type RouteHandler = (ctx: RenderContext, req: RouteRequest) => RouteResponse;

/** The repository named by `{owner}/{repo}`; private ones are invisible to anonymous requests, as on GitHub. */
export function repoOf(ctx: RenderContext, req: RouteRequest): RepoRecord {
  const repo = findRepo(ctx.state, req.params.owner ?? '', req.params.repo ?? '');
  if (!repo || (repo.private && !req.actor)) throw notFound();
  return repo;
}

export function ok(body: unknown, headers?: Record<string, string>): RouteResponse {
  return { status: 200, body, headers };
}

export function created(body: unknown, location?: string): RouteResponse {
  return { status: 201, body, headers: location ? { location } : undefined };
}

export const noContent: RouteResponse = { status: 204 };

/** One page of `items`, rendered, with GitHub's `Link` header. */
export function listed<T>(req: RouteRequest, items: T[], render: (item: T) => unknown): RouteResponse {
  const page = paginate(items, req.url);
  return { status: 200, body: page.items.map(render), headers: page.link ? { link: page.link } : undefined };
}

/** A numeric path parameter (`release_id`, `pull_number`). */
export function numberParam(req: RouteRequest, name: string): number {
  const value = Number(req.params[name]);
  if (!Number.isInteger(value)) throw notFound();
  return value;
}

export function stringField(body: Record<string, unknown> | undefined, name: string): string | undefined {
  const value = body?.[name];
  return typeof value === 'string' ? value : undefined;
}
