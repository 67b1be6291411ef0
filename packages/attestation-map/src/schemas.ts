import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// src/ and dist/ both sit one level below the package root, next to schemas/
const SCHEMA_DIR = new URL('../schemas/', import.meta.url);

export const MAP_SCHEMA_FILE = 'attestation-map.v1.schema.json';
export const LINEAGE_SCHEMA_FILE = 'attestation-lineage.v1.schema.json';

/** One schema violation: the JSON pointer of the field and what is wrong with it. */
export interface SchemaProblem {
  path: string;
  message: string;
}

/** The published JSON Schema of a format, as an object. */
export function loadSchema(file: typeof MAP_SCHEMA_FILE | typeof LINEAGE_SCHEMA_FILE): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(file, SCHEMA_DIR), 'utf8')) as Record<string, unknown>;
}

// ajv-formats is CommonJS: under Node's ESM loader the default import is module.exports, whose .default is the plugin
const addFormats = addFormatsModule.default;

let validators: { map: ValidateFunction; lineage: ValidateFunction } | undefined;

function compiled() {
  if (!validators) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictRequired: false, allowUnionTypes: true });
    addFormats(ajv, ['uri', 'date-time']);
    validators = { map: ajv.compile(loadSchema(MAP_SCHEMA_FILE)), lineage: ajv.compile(loadSchema(LINEAGE_SCHEMA_FILE)) };
  }
  return validators;
}

/** Validates `data` against the attestation map v1 schema; every problem, or an empty list. */
export function validateMapData(data: unknown): SchemaProblem[] {
  const validate = compiled().map;
  return validate(data) ? [] : describeErrors(validate.errors ?? []);
}

/** Validates a lineage object against the lineage v1 schema; every problem, or an empty list. */
export function validateLineageData(data: unknown): SchemaProblem[] {
  const validate = compiled().lineage;
  return validate(data) ? [] : describeErrors(validate.errors ?? []);
}

/** Turns ajv errors into one line per field, with the JSON pointer of the field itself. */
export function describeErrors(errors: ErrorObject[]): SchemaProblem[] {
  // the branches of an anyOf each report their own miss; the anyOf line says it better in one
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath));
  const problems: SchemaProblem[] = [];
  for (const error of errors) {
    if ([...anyOfPaths].some((p) => error.schemaPath.startsWith(`${p}/`))) continue;
    // the name's own violation (pattern, length) is reported on the same path already
    if (error.keyword === 'propertyNames') continue;
    problems.push({ path: fieldPath(error), message: messageOf(error) });
  }
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\0${p.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

function fieldPath(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  const base = error.instancePath || '';
  if (error.keyword === 'required') return `${base}/${escapePointer(String(params.missingProperty))}`;
  if (error.keyword === 'additionalProperties') return `${base}/${escapePointer(String(params.additionalProperty))}`;
  if (error.propertyName !== undefined) return `${base}/${escapePointer(error.propertyName)}`;
  return base || '/';
}

function messageOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'additionalProperties':
      return 'is not a known field';
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'anyOf': {
      const branches = (error.schema as { required?: string[] }[]).map((b) => b.required?.join(' and ')).filter(Boolean);
      return branches.length ? `must have ${branches.join(' or ')}` : (error.message ?? 'is invalid');
    }
    case 'pattern':
      return `must match ${String(params.pattern)} (got ${JSON.stringify(error.data)})`;
    case 'format':
      return `must be a valid ${String(params.format)} (got ${JSON.stringify(error.data)})`;
    default:
      return error.message ?? 'is invalid';
  }
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
