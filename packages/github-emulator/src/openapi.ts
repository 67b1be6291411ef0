import { createRequire } from 'node:module';
import type { Document, Operation, Request as OpenApiRequest } from 'openapi-backend';
import openapiBackend from 'openapi-backend';
import ajvFormats from 'ajv-formats';

// GitHub's own REST description, as published in @octokit/openapi (13 MB, loaded once per process).
const DOCUMENT_PATH = 'generated/api.github.com.json';

/** One schema problem, in the words of the OpenAPI validator. */
export interface SchemaProblem {
  /** Where in the request or response: `/body/tag_name`, `/assets/0/uploader`. */
  path: string;
  message: string;
  /** The JSON Schema keyword that failed (`required`, `type`, `enum`, ...). */
  keyword: string;
  params: Record<string, unknown>;
}

export interface MatchedOperation {
  operationId: string;
  /** The OpenAPI path template, `/repos/{owner}/{repo}/releases`. */
  template: string;
  /** The request path as matched (slashes inside a parameter value encoded). */
  path: string;
  params: Record<string, string>;
  operation: Operation;
}

/** GitHub's REST API description, routed and validated with openapi-backend. */
export interface GitHubApiDescription {
  match(method: string, path: string): MatchedOperation | undefined;
  validateRequest(
    operation: Operation,
    request: { method: string; path: string; headers: Record<string, string>; query: Record<string, string | string[]>; body?: unknown },
  ): SchemaProblem[];
  validateResponse(operation: Operation, status: number, body: unknown): SchemaProblem[];
}

/** The part of an Ajv error the emulator reports (Ajv 8, inside openapi-backend). */
interface ErrorObject {
  keyword: string;
  instancePath: string;
  params: unknown;
  message?: string;
}

let cached: GitHubApiDescription | undefined;

/** The parsed description and its validators, built on first use and shared by every emulator in the process. */
export function githubApiDescription(): GitHubApiDescription {
  cached ??= build();
  return cached;
}

function build(): GitHubApiDescription {
  const require = createRequire(import.meta.url);
  const definition = require(`@octokit/openapi/${DOCUMENT_PATH}`) as Document;
  makeNullableExplicit(definition);
  // both are CommonJS: Node hands over module.exports, bundlers (vitest) the `default` export
  const OpenAPIBackend = commonJsExport<typeof openapiBackend.OpenAPIBackend>(openapiBackend, 'OpenAPIBackend');
  const addFormats = commonJsExport<(ajv: unknown) => void>(ajvFormats, 'default');
  const api = new OpenAPIBackend({
    definition,
    quick: true,
    coerceTypes: true,
    validate: true,
    ajvOpts: { strict: false, allErrors: true },
    customizeAjv: (ajv) => {
      addFormats(ajv);
      return ajv;
    },
  });
  // quick mode with a document object initialises synchronously (the promise only reports what already happened)
  void api.init();
  const router = compileRoutes(api.router.getOperations());
  return {
    match(method, path) {
      for (const candidate of segmentJoins(path)) {
        const found = router.match(method, candidate);
        if (found) return { ...found, path: candidate };
      }
      return undefined;
    },
    validateRequest(operation, request) {
      const result = api.validateRequest(request as OpenApiRequest, operation);
      return problems(result.errors as ErrorObject[] | null | undefined);
    },
    validateResponse(operation, status, body) {
      // pass the operation itself: looking it up by id makes openapi-backend flatten all 1000+ operations
      const result = api.validateResponse(body, operation, status);
      return problems(result.errors as ErrorObject[] | null | undefined);
    },
  };
}

interface CompiledRoute {
  pattern: RegExp;
  names: string[];
  /** Literal characters in the template: the more, the more specific (`releases/latest` over `releases/{id}`). */
  specificity: number;
  operation: Operation;
}

/** Path templates compiled once (openapi-backend's own matcher builds every regular expression per request). */
function compileRoutes(operations: Operation[]) {
  const byMethod = new Map<string, CompiledRoute[]>();
  for (const operation of operations) {
    if (!operation.operationId) continue;
    const names: string[] = [];
    const source = operation.path
      .split(/(\{[^}]+\})/)
      .map((part) => {
        const param = /^\{([^}]+)\}$/.exec(part);
        if (!param) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(param[1]!);
        return '([^/]+)';
      })
      .join('');
    const route = { pattern: new RegExp(`^${source}/?$`), names, specificity: operation.path.replace(/\{[^}]+\}/g, '').length, operation };
    const method = operation.method.toUpperCase();
    byMethod.set(method, [...(byMethod.get(method) ?? []), route]);
  }
  for (const routes of byMethod.values()) routes.sort((a, b) => b.specificity - a.specificity);
  return {
    match(method: string, path: string): Omit<MatchedOperation, 'path'> | undefined {
      for (const route of byMethod.get(method.toUpperCase()) ?? []) {
        const found = route.pattern.exec(path);
        if (!found) continue;
        const params = Object.fromEntries(route.names.map((name, i) => [name, safeDecode(found[i + 1]!)]));
        return { operationId: route.operation.operationId!, template: route.operation.path, params, operation: route.operation };
      }
      return undefined;
    },
  };
}

function commonJsExport<T>(module: unknown, name: string): T {
  if (typeof module === 'function') return module as T;
  const exports = module as Record<string, unknown>;
  const found = [exports[name], exports.default, (exports.default as Record<string, unknown> | undefined)?.[name]].find((x) => typeof x === 'function');
  if (!found) throw new Error(`cannot find ${name} in a CommonJS module`);
  return found as T;
}

function problems(errors: ErrorObject[] | null | undefined): SchemaProblem[] {
  return (errors ?? []).map((e) => ({
    path: e.instancePath || '/',
    message: describe(e),
    keyword: e.keyword,
    params: e.params as Record<string, unknown>,
  }));
}

function describe(e: ErrorObject): string {
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'required') return `must have required property '${String(params.missingProperty)}'`;
  if (e.keyword === 'additionalProperties') return `must NOT have additional property '${String(params.additionalProperty)}'`;
  if (e.keyword === 'enum') return `must be one of ${JSON.stringify(params.allowedValues)}`;
  return e.message ?? e.keyword;
}

/**
 * The path itself, then the path with runs of segments joined by %2F: GitHub routes such as `git/ref/{ref}` and
 * `commits/{ref}` take values with slashes (`tags/v1`, `feature/x`) that the path template cannot express.
 */
function* segmentJoins(path: string): Generator<string> {
  yield path;
  const segments = path.split('/');
  for (let length = 2; length < segments.length - 3; length++) {
    for (let start = segments.length - length; start >= 4; start--) {
      yield [...segments.slice(0, start), segments.slice(start, start + length).join('%2F'), ...segments.slice(start + length)].join('/');
    }
  }
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Ajv refuses OpenAPI 3.0's `nullable: true` on a schema without `type` (GitHub's description has a few, such as
 * a commit's `author`: `{nullable, oneOf}`); say the same thing as `anyOf: [schema, {type: 'null'}]`.
 */
function makeNullableExplicit(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) makeNullableExplicit(item);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const schema = node as Record<string, unknown>;
  for (const value of Object.values(schema)) makeNullableExplicit(value);
  if (schema.nullable === true && schema.type === undefined && schema.$ref === undefined) {
    const rest = { ...schema };
    delete rest.nullable;
    for (const key of Object.keys(schema)) delete schema[key];
    schema.anyOf = [rest, { type: 'null' }];
  }
}
