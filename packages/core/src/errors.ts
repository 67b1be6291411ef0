import { ERROR_CATALOGUE, type ErrorCode } from './error-catalogue.ts';
import { redact } from './redact.ts';

/** Where a problem is: the chart it concerns and the file to look at. */
export interface ErrorSubject {
  chart?: string;
  file?: string;
  line?: number;
}

export interface ReleaseErrorOptions extends ErrorSubject {
  /** What the user should do next; the catalogue's fix for the code when not given. */
  hint?: string;
  cause?: unknown;
  /** Extra machine-readable facts (digests, tags, URLs); never secrets. */
  details?: Record<string, unknown>;
}

/**
 * A problem with the user's input or environment (a bad Chart.yaml, a version not bumped, a wrong token): printed
 * without a stack, exit 1. Anything else that escapes is an internal error. `code` is stable and listed in
 * `ERROR_CATALOGUE` with its meaning and fix.
 */
export class ReleaseError extends Error {
  readonly code: ErrorCode;
  readonly chart?: string;
  readonly file?: string;
  readonly line?: number;
  readonly hint: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: ReleaseErrorOptions = {}) {
    super(redact(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ReleaseError';
    this.code = code;
    this.chart = options.chart;
    this.file = options.file;
    this.line = options.line;
    this.hint = redact(options.hint ?? ERROR_CATALOGUE[code].fix);
    this.details = options.details;
  }

  /** A stable JSON shape for `--json` reports. */
  toJSON(): ReleaseErrorJSON {
    return {
      code: this.code,
      message: this.message,
      ...(this.chart ? { chart: this.chart } : {}),
      ...(this.file ? { file: this.file } : {}),
      ...(this.line ? { line: this.line } : {}),
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export interface ReleaseErrorJSON {
  code: ErrorCode;
  message: string;
  chart?: string;
  file?: string;
  line?: number;
  hint?: string;
  details?: Record<string, unknown>;
}

/** Several problems found together (preflight reports them all at once). */
export class AggregateReleaseError extends ReleaseError {
  readonly errors: ReleaseError[];

  constructor(errors: ReleaseError[], summary = `${errors.length} problem${errors.length === 1 ? '' : 's'} found`) {
    super('PREFLIGHT_FAILED', `${summary}:\n${errors.map((e) => `  - ${formatErrorLine(e)}`).join('\n')}`);
    this.errors = errors;
  }

  override toJSON(): ReleaseErrorJSON & { errors: ReleaseErrorJSON[] } {
    return { ...super.toJSON(), errors: this.errors.map((e) => e.toJSON()) };
  }
}

export function isReleaseError(error: unknown): error is ReleaseError {
  return error instanceof ReleaseError;
}

/** One line: `[CODE] chart (file): message. Fix: hint`. */
export function formatErrorLine(error: ReleaseErrorJSON): string {
  const where = [error.chart, error.file ? `${error.file}${error.line ? `:${error.line}` : ''}` : undefined].filter(Boolean);
  const prefix = where.length ? `${where.join(' ')}: ` : '';
  return `[${error.code}] ${prefix}${error.message}${error.hint ? ` Fix: ${error.hint}` : ''}`;
}
