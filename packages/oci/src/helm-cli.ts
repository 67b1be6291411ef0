import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReleaseError, type ErrorCode } from '@chart-release/core';
import { execa } from 'execa';
import type { RegistryCredentials } from './auth.ts';
import type { FailureClass } from './retry.ts';

/** Which helm to run, and the environment to run it in (HELM_*_HOME, HELM_REGISTRY_CONFIG, ...). */
export interface HelmRunner {
  binary?: string;
  env?: Record<string, string>;
}

export interface PackagedChart {
  tgz: string;
  /** sha256 of the `.tgz`, hex. */
  sha256: string;
  name: string;
  version: string;
}

/** What `helm push` reported. */
export interface HelmPushOutput {
  ref?: string;
  digest: string;
}

/** Reads `Pushed:` and `Digest:` from helm push output; helm prints them on stdout in some releases, stderr in others. */
export function parseHelmPushOutput(stdout: string, stderr: string): HelmPushOutput | undefined {
  const text = `${stdout}\n${stderr}`;
  const digest = /^\s*Digest:\s*(sha256:[a-f0-9]{64})\s*$/m.exec(text)?.[1];
  if (!digest) return undefined;
  const ref = /^\s*Pushed:\s*(\S+)\s*$/m.exec(text)?.[1];
  return { digest, ...(ref ? { ref } : {}) };
}

/** TLS and transport flags `helm push` should get. */
export interface HelmPushFlags {
  plainHttp?: boolean;
  caFile?: string;
  insecureSkipTlsVerify?: boolean;
}

/** Runs `helm push <tgz> oci://<registry>/<namespace>`, with credentials in a throw-away registry config. */
export async function helmPush(input: {
  helm?: HelmRunner;
  tgz: string;
  target: string;
  registry: string;
  chart: string;
  flags: HelmPushFlags;
  credentials?: RegistryCredentials;
}): Promise<HelmPushOutput> {
  const args = ['push', input.tgz, input.target];
  if (input.flags.plainHttp) args.push('--plain-http');
  if (input.flags.caFile) args.push('--ca-file', input.flags.caFile);
  if (input.flags.insecureSkipTlsVerify) args.push('--insecure-skip-tls-verify');
  let configDir: string | undefined;
  const env = { ...input.helm?.env };
  if (input.credentials) {
    // never on the command line (visible in `ps`): a private docker-style config only this helm reads
    configDir = await mkdtemp(join(tmpdir(), 'chart-push-auth-'));
    const c = input.credentials;
    const entry =
      'token' in c
        ? { registrytoken: c.token }
        : 'identityToken' in c
          ? { identitytoken: c.identityToken }
          : { auth: Buffer.from(`${c.username}:${c.password}`).toString('base64') };
    await writeFile(join(configDir, 'config.json'), JSON.stringify({ auths: { [input.registry]: entry } }), { mode: 0o600 });
    env.HELM_REGISTRY_CONFIG = join(configDir, 'config.json');
  }
  try {
    const out = await runHelm({ ...input.helm, env }, args, {
      chart: input.chart,
      file: input.tgz,
      code: 'HELM_PUSH_FAILED',
      hint: 'see the helm output above',
    });
    const parsed = parseHelmPushOutput(out.stdout, out.stderr);
    if (!parsed)
      throw new ReleaseError('HELM_PUSH_FAILED', `helm push of ${input.chart} printed no digest.`, {
        chart: input.chart,
        file: input.tgz,
        details: { stdout: out.stdout, stderr: out.stderr },
      });
    return parsed;
  } finally {
    if (configDir) await rm(configDir, { recursive: true, force: true });
  }
}

/** A failed helm command: its exit code and output, kept for retry classification. */
export class HelmCommandError extends ReleaseError {}

/** Which helm push failures are worth retrying: the registry's transient answers, as helm words them. */
export function classifyHelmFailure(error: unknown): FailureClass {
  if (!(error instanceof HelmCommandError)) return { retry: false, cause: error instanceof Error ? error.message : String(error) };
  const output = String(error.details?.output ?? '');
  if (/\b(401|403)\b|unauthori[sz]ed|denied|authentication required/i.test(output)) return { retry: false, cause: 'authentication' };
  const transient = /\b(5\d\d|429)\b|too many requests|service unavailable|bad gateway|connection reset|broken pipe|\bEOF\b|timeout|i\/o timeout/i.exec(output);
  return transient ? { retry: true, cause: `helm: ${transient[0]}` } : { retry: false, cause: 'helm failed' };
}

/** Runs helm; a non-zero exit is a HelmCommandError with `context`'s code, chart, file and hint. */
export async function runHelm(
  helm: HelmRunner | undefined,
  args: string[],
  context: { chart: string; file: string; code: ErrorCode; hint: string },
): Promise<{ stdout: string; stderr: string }> {
  const binary = helm?.binary ?? 'helm';
  let r;
  try {
    r = await execa(binary, args, { env: helm?.env, extendEnv: true, reject: false, stdin: 'ignore' });
  } catch (error) {
    throw new ReleaseError('HELM_NOT_FOUND', `cannot run helm ('${binary}'): ${(error as Error).message}.`, {
      hint: 'install helm v3 or v4, or pass --helm <path>',
    });
  }
  if (r.failed && r.exitCode === undefined) {
    throw new ReleaseError('HELM_NOT_FOUND', `cannot run helm ('${binary}'): ${r.shortMessage}.`, { hint: 'install helm v3 or v4, or pass --helm <path>' });
  }
  if (r.exitCode !== 0) {
    const output = (r.stderr || r.stdout).trim();
    throw new HelmCommandError(context.code, `helm ${args[0]} failed for ${context.chart} (exit ${r.exitCode}): ${output}`, {
      chart: context.chart,
      file: context.file,
      hint: context.hint,
      details: { output },
    });
  }
  return { stdout: r.stdout, stderr: r.stderr };
}
