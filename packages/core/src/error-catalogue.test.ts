import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE, isErrorCode } from './error-catalogue.ts';
import { ReleaseError } from './errors.ts';

const root = join(import.meta.dirname, '../../..');
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', '*.ts', '*.mts', '*.mjs'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  // bundle/ holds the generated Action bundle, third-party code included
  .filter((f) => f && !f.includes('node_modules/') && !f.startsWith('bundle/') && !f.startsWith('packages/core/src/error-catalogue'));
const sources = files.map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') }));

/** `code: 'X'`, `code === 'X'`, `ReleaseError('X'`: a code in any shape, one word or several. */
const CODE_CONTEXT = /(?:ReleaseError\(\s*|\bcode\s*(?:===|!==|\?\?|[:=])\s*)'([A-Z][A-Z0-9_]*)'/g;
/** Any UPPER_SNAKE string literal with an underscore: a code unless it is one of the other constants below. */
const SNAKE_LITERAL = /'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)'/g;

const envNames = new Set(sources.flatMap(({ text }) => [...text.matchAll(/\benv(?:\.|\[')([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!)));
/** UPPER_SNAKE values that are not ours: system and undici error codes, OCI and GitHub enums, Sigstore algorithms. */
function isOtherConstant(value: string): boolean {
  return (
    envNames.has(value) ||
    value.startsWith('CHART_RELEASE_') || // our environment variables
    Object.hasOwn(constants.errno, value) ||
    /^(EAI_|UND_ERR_|ERR_)/.test(value) ||
    /^[A-Z]{1,2}$/.test(value) || // git's name-status letters (M, A, D, R)
    /^(BLOB|MANIFEST|NAME|TAG)_(UNKNOWN|INVALID|UNVERIFIED)$/.test(value) || // OCI distribution error codes
    ['CHANGES_REQUESTED', 'PKIX_ECDSA_P256_SHA_256', 'SHA2_256'].includes(value)
  );
}

describe('error catalogue', () => {
  it('lists every code thrown, returned or expected anywhere in the repository', () => {
    const unknown = new Map<string, string>();
    for (const { file, text } of sources) {
      for (const m of text.matchAll(CODE_CONTEXT)) if (!isErrorCode(m[1]) && !isOtherConstant(m[1]!)) unknown.set(m[1]!, file);
      for (const m of text.matchAll(SNAKE_LITERAL)) if (!isErrorCode(m[1]) && !isOtherConstant(m[1]!)) unknown.set(m[1]!, file);
    }
    expect(Object.fromEntries(unknown), 'codes missing from ERROR_CATALOGUE (packages/core/src/error-catalogue.ts)').toEqual({});
  });

  it('lists no code that nothing uses', () => {
    const production = sources.filter(({ file }) => !file.endsWith('.test.ts') && !file.includes('/test/'));
    const unused = Object.keys(ERROR_CATALOGUE).filter((code) => !production.some(({ text }) => text.includes(`'${code}'`)));
    expect(unused).toEqual([]);
  });

  it('gives every code a meaning and a fix of one line, and SUBJECT_PROBLEM names', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
      expect(entry.meaning.length, code).toBeGreaterThan(10);
      expect(entry.fix.length, code).toBeGreaterThan(5);
      expect(`${entry.meaning}${entry.fix}`, code).not.toContain('\n');
    }
    expect(Object.keys(ERROR_CATALOGUE).filter((code) => code.startsWith('INVALID_'))).toEqual([]);
  });

  it("a ReleaseError without a hint carries its code's fix", () => {
    expect(new ReleaseError('VERSION_NOT_BUMPED', 'web-app 1.0.0 was already released').hint).toBe(ERROR_CATALOGUE.VERSION_NOT_BUMPED.fix);
    expect(new ReleaseError('VERSION_NOT_BUMPED', 'x', { hint: 'bump it to 1.0.1' }).hint).toBe('bump it to 1.0.1');
  });
});
