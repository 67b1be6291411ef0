export { ReleaseError, AggregateReleaseError, isReleaseError, formatErrorLine } from './errors.ts';
export type { ReleaseErrorOptions, ReleaseErrorJSON, ErrorSubject } from './errors.ts';
export { redact, registerSecret, clearSecrets } from './redact.ts';
export { inActions, setOutput, appendStepSummary, annotation, escapeData, escapeProperty } from './actions.ts';
export type { AnnotationProperties } from './actions.ts';
export { createLogger, memoryLogger, silentLogger } from './logger.ts';
export type { Logger, LoggerOptions, LogLevel } from './logger.ts';
export { parseCli, runCli, COMMON_OPTIONS } from './cli.ts';
export type { CliOptions } from './cli.ts';
