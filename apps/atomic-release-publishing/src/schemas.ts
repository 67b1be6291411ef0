import { readFileSync } from 'node:fs';

/** Reads a JSON Schema shipped in the package's `schemas/` folder (one level up from both src/ and dist/). */
export function loadSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../schemas/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}
