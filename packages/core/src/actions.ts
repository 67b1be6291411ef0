import { appendUserFile } from './output.ts';

/** True when running inside a GitHub Actions job. */
export function inActions(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

/**
 * Appends `name=value` to `$GITHUB_OUTPUT`, with a random heredoc delimiter so multi-line values and values that
 * contain the delimiter cannot inject other outputs; the value is redacted. No-op outside Actions. Returns whether it wrote.
 */
export function setOutput(name: string, value: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = env.GITHUB_OUTPUT;
  if (!file) return false;
  // the global Web Crypto: importing node:crypto would cost every CLI's start a quarter of Node's own
  const delimiter = `ghadelimiter_${globalThis.crypto.randomUUID()}`;
  appendUserFile(file, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
  return true;
}

/** Appends Markdown (redacted) to `$GITHUB_STEP_SUMMARY`; no-op outside Actions. */
export function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const file = env.GITHUB_STEP_SUMMARY;
  if (!file) return false;
  appendUserFile(file, markdown.endsWith('\n') ? markdown : `${markdown}\n`);
  return true;
}

/** Escapes a workflow-command message (`%`, CR, LF) as the runner expects. */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow-command property (`%`, CR, LF, `:`, `,`). */
export function escapeProperty(value: string): string {
  return escapeData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export interface AnnotationProperties {
  file?: string;
  line?: number;
  title?: string;
}

/** `::error file=..,line=..,title=..::message` (or warning/notice). */
export function annotation(level: 'error' | 'warning' | 'notice', message: string, props: AnnotationProperties = {}): string {
  const parts: string[] = [];
  if (props.file) parts.push(`file=${escapeProperty(props.file)}`);
  if (props.line) parts.push(`line=${props.line}`);
  if (props.title) parts.push(`title=${escapeProperty(props.title)}`);
  return `::${level}${parts.length ? ` ${parts.join(',')}` : ''}::${escapeData(message)}`;
}
