import { ok, type RouteHandler } from './routes-context.ts';

/** GET /rate_limit: the caller's core budget (unlimited when limits are off); it does not count itself. */
const get: RouteHandler = (_ctx, req) => {
  const core = req.rateLimit
    ? { limit: req.rateLimit.limit, remaining: req.rateLimit.remaining, reset: req.rateLimit.reset, used: req.rateLimit.used }
    : { limit: 5000, remaining: 5000, reset: Math.ceil(Date.now() / 1000) + 3600, used: 0 };
  const search = { limit: 30, remaining: 30, reset: Math.ceil(Date.now() / 1000) + 60, used: 0 };
  return ok({ resources: { core, search }, rate: core });
};

export const rateLimitRoutes: Record<string, RouteHandler> = { 'rate-limit/get': get };
