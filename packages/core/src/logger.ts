import { annotation, inActions, type AnnotationProperties } from './actions.ts';
import { redact } from './redact.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Where log lines go; every line passes through `redact` first. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string, where?: AnnotationProperties): void;
  error(message: string, where?: AnnotationProperties): void;
  /** Runs `fn` inside a collapsible group (`::group::` in Actions, an indented heading in a terminal). */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
}

export interface LoggerOptions {
  /** Lines go here; stderr by default, so stdout stays clean for `--json`. */
  write?: (line: string) => void;
  level?: LogLevel;
  /** Emit GitHub Actions workflow commands; detected from the environment by default. */
  actions?: boolean;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A logger for terminals and Actions logs that never prints a registered secret or a known token shape. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const min = ORDER[options.level ?? (process.env.RUNNER_DEBUG === '1' ? 'debug' : 'info')];
  const actions = options.actions ?? inActions();
  const out = (line: string) => write(redact(line));
  return {
    debug(message) {
      if (min <= ORDER.debug) out(actions ? `::debug::${message}` : `debug: ${message}`);
    },
    info(message) {
      if (min <= ORDER.info) out(message);
    },
    warn(message, where) {
      if (min <= ORDER.warn) out(actions ? annotation('warning', message, where) : `warning: ${message}`);
    },
    error(message, where) {
      out(actions ? annotation('error', message, where) : `error: ${message}`);
    },
    async group(title, fn) {
      out(actions ? `::group::${title}` : `── ${title}`);
      try {
        return await fn();
      } finally {
        if (actions) out('::endgroup::');
      }
    },
  };
}

/** A logger that keeps its lines in memory (tests, `--json` runs). */
export function memoryLogger(options: Omit<LoggerOptions, 'write'> = {}): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ ...options, actions: options.actions ?? false, level: options.level ?? 'debug', write: (l) => lines.push(l) });
  return Object.assign(logger, { lines });
}

/** `logger` that also keeps every warning it printed, for the `warnings` of a `--json` report. */
export function keepingWarnings(logger: Logger): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    ...logger,
    warn(message, where) {
      warnings.push(message);
      logger.warn(message, where);
    },
    warnings,
  };
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  group: (_title, fn) => fn(),
};
