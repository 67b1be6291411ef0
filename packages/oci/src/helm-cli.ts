import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ReleaseError, silentLogger, type ErrorCode, type Logger } from '@chart-release/core';
import { execa } from 'execa';
import { parse } from 'yaml';
import type { RegistryCredentials } from './auth.ts';
import { readChartArchive } from './chart-archive.ts';
import { fileDigest } from './digest.ts';
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

/** `helm package` a chart folder into `destination` (after `helm dependency build` when it has `file://` dependencies; `restoreChartFolder` removes what that added). */
export async function packageChart(input: {
  chartDir: string;
  destination: string;
  helm?: HelmRunner;
  logger?: Logger;
  restoreChartFolder?: boolean;
}): Promise<PackagedChart> {
  const chartDir = resolve(input.chartDir);
  const logger = input.logger ?? silentLogger;
  const chartFile = join(chartDir, 'Chart.yaml');
  let chart: { name?: string; dependencies?: { repository?: string }[] };
  try {
    chart = parse(await readFile(chartFile, 'utf8')) as typeof chart;
  } catch (error) {
    throw new ReleaseError('CHART_YAML_INVALID', `cannot read ${chartFile}: ${(error as Error).message}.`, {
      file: chartFile,
      hint: 'pass a chart folder holding a valid Chart.yaml',
    });
  }
  const name = chart?.name ?? chartDir;
  // helm dependency build writes charts/*.tgz and Chart.lock into the chart folder; with `restoreChartFolder`
  // what it added is removed after packaging, so the checkout is left as it was found (dry runs)
  const before = input.restoreChartFolder ? new Set(await listChartFolder(chartDir)) : undefined;
  let out: Awaited<ReturnType<typeof runHelm>>;
  try {
    if (chart?.dependencies?.some((d) => d.repository?.startsWith('file://'))) {
      logger.info('helm dependency build');
      await runHelm(input.helm, ['dependency', 'build', chartDir], {
        chart: name,
        file: chartFile,
        code: 'HELM_DEPENDENCY_FAILED',
        hint: 'check the file:// dependencies in Chart.yaml point at chart folders',
      });
    }
    logger.info('helm package');
    out = await runHelm(input.helm, ['package', chartDir, '--destination', resolve(input.destination)], {
      chart: name,
      file: chartFile,
      code: 'HELM_PACKAGE_FAILED',
      hint: "run 'helm lint' on the chart and fix what it reports",
    });
  } finally {
    if (before)
      for (const added of (await listChartFolder(chartDir)).filter((f) => !before.has(f))) await rm(join(chartDir, added), { recursive: true, force: true });
  }
  const saved = /saved it to:\s*(\S.*\.tgz)\s*$/m.exec(`${out.stdout}\n${out.stderr}`)?.[1];
  if (!saved)
    throw new ReleaseError('HELM_PACKAGE_FAILED', `helm package printed no archive path for ${name}: ${out.stdout}`, { chart: name, file: chartFile });
  const archive = await readChartArchive(saved);
  const { digest } = await fileDigest(saved);
  return { tgz: saved, sha256: digest.slice('sha256:'.length), name: archive.chart.name, version: archive.chart.version };
}

/** Chart.lock and the entries of charts/: what helm dependency build may add to a chart folder. */
async function listChartFolder(chartDir: string): Promise<string[]> {
  const vendored = await readdir(join(chartDir, 'charts')).catch(() => [] as string[]);
  const lock = await stat(join(chartDir, 'Chart.lock')).then(
    () => ['Chart.lock'],
    () => [],
  );
  return [...lock, ...(vendored.length ? ['charts'] : []), ...vendored.map((f) => `charts/${f}`)];
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

async function runHelm(
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
