import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AggregateReleaseError,
  cliReport,
  createLogger,
  isReleaseError,
  keepingWarnings,
  parseCli,
  registerSecret,
  ReleaseError,
  runCli,
  writeJson,
  writeStdout,
} from '@chart-release/core';
import { resolveCredentials } from './credentials.ts';
import { packageChart } from './package-chart.ts';
import { ChartDependencyError } from './chart-dependencies.ts';
import { DependencyFetcher, registryDependencyRepository } from './dependency-fetcher.ts';
import { planPush, pushChart, type PushPlan, type PushResult } from './push.ts';
import { parseOciReference } from './reference.ts';
import { RegistryClient } from './registry.ts';
import { HELP } from './cli-help.ts';

const OPTIONS = {
  registry: { type: 'string' },
  'plain-http': { type: 'boolean', default: false },
  'ca-file': { type: 'string' },
  'insecure-skip-tls-verify': { type: 'boolean', default: false },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean', default: false },
  native: { type: 'boolean', default: false },
  helm: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
} as const;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, OPTIONS, 'chart-push');
  if (values.help) {
    writeStdout(HELP);
    return 0;
  }
  if (!values.registry) throw new ReleaseError('USAGE', '--registry is required.', { hint: 'pass --registry oci://host/namespace' });
  if (positionals.length === 0) throw new ReleaseError('USAGE', 'no chart given.', { hint: 'pass one or more chart folders or .tgz files' });
  const target = parseOciReference(values.registry);
  const logger = keepingWarnings(createLogger());
  let password: string | undefined;
  if (values['password-stdin']) {
    password = (await readStdin()).replace(/\r?\n$/, '');
    registerSecret(password);
  }
  const { credentials, source } = resolveCredentials({
    registry: target.registry,
    flags: values.username || password ? { username: values.username, password } : undefined,
    env: process.env,
  });
  logger.debug(`credentials for ${target.registry}: ${source}`);
  const client = new RegistryClient({
    registry: target.registry,
    plainHttp: values['plain-http'],
    caFile: values['ca-file'],
    insecureSkipTlsVerify: values['insecure-skip-tls-verify'],
    credentials,
    logger,
  });
  const helm = {
    binary: values.helm,
    flags: { plainHttp: values['plain-http'], caFile: values['ca-file'], insecureSkipTlsVerify: values['insecure-skip-tls-verify'] },
    credentials,
  };

  const work = await mkdtemp(join(tmpdir(), 'chart-push-'));
  try {
    // preflight: every chart packaged and checked, every problem reported together, before anything is written
    const archives: string[] = [];
    const plans: PushPlan[] = [];
    const problems: ReleaseError[] = [];
    // dependencies from chart repositories and registries, fetched once for all the charts (the push registry's credentials for oci://)
    const dependencies = new DependencyFetcher({
      dir: join(work, 'dependencies'),
      helm,
      repositories: [registryDependencyRepository(target.registry, credentials, values['plain-http'])],
    });
    for (const input of positionals) {
      const info = await stat(input).catch(() => undefined);
      if (!info) {
        problems.push(new ReleaseError('USAGE', `${input} does not exist.`, { file: input, hint: 'pass chart folders or .tgz files' }));
        continue;
      }
      if (!info.isDirectory()) {
        archives.push(input);
        continue;
      }
      try {
        archives.push(
          (await packageChart({ chartDir: input, destination: join(work, String(archives.length)), scratchDir: work, helm, logger, dependencies })).tgz,
        );
      } catch (error) {
        if (error instanceof ChartDependencyError) problems.push(...error.problems);
        else if (isReleaseError(error)) problems.push(error);
        else throw error;
      }
    }
    for (const tgz of archives) {
      try {
        plans.push(await planPush({ tgz, registry: values.registry, client }));
      } catch (error) {
        if (!isReleaseError(error)) throw error;
        problems.push(error);
      }
    }
    // push permission, per repository still to be written (opens and cancels an upload session)
    for (const repository of new Set(plans.filter((p) => p.action === 'push').map((p) => p.repository))) {
      await client.checkAuth(repository, ['pull', 'push']).catch((error: unknown) => {
        if (!isReleaseError(error)) throw error;
        problems.push(error);
      });
    }
    if (problems.length === 1) throw problems[0]!;
    if (problems.length > 1) throw new AggregateReleaseError(problems, `${problems.length} charts cannot be pushed`);
    if (values['dry-run']) {
      print(
        values.json,
        logger.warnings,
        plans.map((p) => ({
          chart: p.chart,
          version: p.version,
          ref: p.ref,
          digest: p.existingDigest ?? null,
          layerDigest: p.layerDigest,
          status: p.action === 'exists' ? 'exists' : 'would-push',
        })),
        true,
      );
      return 0;
    }
    const results: PushResult[] = [];
    for (const plan of plans) {
      results.push(await pushChart({ tgz: plan.tgz, registry: values.registry, client, mode: values.native ? 'native' : 'helm', helm, logger }));
    }
    print(values.json, logger.warnings, results, false);
    return 0;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function print(
  json: boolean,
  warnings: string[],
  rows: { chart: string; version: string; ref: string; digest: string | null; layerDigest: string; status: string }[],
  dryRun: boolean,
): void {
  if (json) {
    writeJson(cliReport({ charts: rows, warnings, dryRun }));
    return;
  }
  const table = [['CHART', 'VERSION', 'STATUS', 'REF', 'DIGEST'], ...rows.map((r) => [r.chart, r.version, r.status, r.ref, r.digest ?? '-'])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table)
    writeStdout(
      `${row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}\n`,
    );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

await runCli('chart-push', main);
