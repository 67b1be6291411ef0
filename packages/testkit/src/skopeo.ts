import { createHash } from 'node:crypto';
import { execa } from 'execa';

export interface SkopeoOptions {
  /** `user:password` for a registry with basic auth. */
  creds?: string;
  /** Plain HTTP registry (sets `--tls-verify=false`). */
  insecure?: boolean;
}

/** Reads the raw manifest of `docker://ref` with skopeo: an independent reader of what was pushed. */
export async function skopeoRawManifest(ref: string, options: SkopeoOptions = {}): Promise<Record<string, unknown>> {
  const r = await execa('skopeo', ['inspect', '--raw', ...skopeoFlags(options), `docker://${ref}`], { reject: false });
  if (r.exitCode !== 0) throw new Error(`skopeo inspect ${ref} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** Lists the tags of `docker://repo` with skopeo. */
export async function skopeoListTags(repo: string, options: SkopeoOptions = {}): Promise<string[]> {
  const r = await execa('skopeo', ['list-tags', ...skopeoFlags(options), `docker://${repo}`], { reject: false });
  if (r.exitCode !== 0) throw new Error(`skopeo list-tags ${repo} failed: ${r.stderr}`);
  return (JSON.parse(r.stdout) as { Tags: string[] }).Tags;
}

/** The sha256 digest of the manifest bytes `ref` points at, as skopeo reads them (`sha256:<hex>`). */
export async function skopeoDigest(ref: string, options: SkopeoOptions = {}): Promise<string> {
  const r = await execa('skopeo', ['inspect', '--raw', ...skopeoFlags(options), `docker://${ref}`], {
    reject: false,
    encoding: 'buffer',
    stripFinalNewline: false,
  });
  if (r.exitCode !== 0) throw new Error(`skopeo inspect ${ref} failed: ${Buffer.from(r.stderr).toString()}`);
  return `sha256:${createHash('sha256').update(r.stdout).digest('hex')}`;
}

function skopeoFlags(options: SkopeoOptions): string[] {
  const flags: string[] = [];
  if (options.insecure ?? true) flags.push('--tls-verify=false');
  if (options.creds) flags.push('--creds', options.creds);
  else flags.push('--no-creds');
  return flags;
}
