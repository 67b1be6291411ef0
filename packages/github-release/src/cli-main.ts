import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { cliReport, createLogger, keepingWarnings, parseCli, registerSecret, ReleaseError, runCli, writeJson, writeStdout } from '@chart-release/core';
import type { AssetKind } from './assets.ts';
import { createGitHubClient, parseRepository } from '@chart-release/github-client';
import type { SigningMode } from './notes.ts';
import { prepareChartRelease } from './prepare.ts';
import { isSourceFileKind, resolveReleaseSourceFiles } from './release-files.ts';
import { ReleasePublisher, type MakeLatest } from './publisher.ts';
import { DEFAULT_TAG_TEMPLATE, readChartYaml, releaseTag, releaseTagGlob } from '@chart-release/chart-metadata';
import { HELP, NAME } from './cli-help.ts';

const OPTIONS = {
  repo: { type: 'string' },
  'chart-dir': { type: 'string' },
  package: { type: 'string' },
  digest: { type: 'string' },
  registry: { type: 'string' },
  signature: { type: 'string' },
  bundle: { type: 'string' },
  lineage: { type: 'string' },
  signing: { type: 'string' },
  'certificate-identity': { type: 'string' },
  'certificate-oidc-issuer': { type: 'string' },
  'public-key': { type: 'string' },
  require: { type: 'string' },
  target: { type: 'string' },
  'tag-template': { type: 'string' },
  'notes-template': { type: 'string' },
  'make-latest': { type: 'string' },
  publish: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  'api-url': { type: 'string' },
} as const;

async function main(argv: string[]): Promise<number> {
  const { values } = parseCli(argv, OPTIONS, NAME);
  if (values.help) {
    writeStdout(HELP);
    return 0;
  }
  const env = process.env;
  const log = keepingWarnings(createLogger());
  const missing = (['chart-dir', 'package', 'digest', 'registry'] as const).filter((k) => !values[k]);
  if (missing.length) throw new ReleaseError('USAGE', `missing ${missing.map((m) => `--${m}`).join(', ')}.`, { hint: `run '${NAME} --help'.` });
  const repository = parseRepository(values.repo ?? env.GITHUB_REPOSITORY ?? '');
  if (!/^sha256:[0-9a-f]{64}$/.test(values.digest!)) {
    throw new ReleaseError('DIGEST_INVALID', `--digest ${values.digest} is not sha256:<64 lowercase hex>.`, {
      hint: 'pass the manifest digest the push reported.',
    });
  }
  const signing = (values.signing ?? (values.signature || values.bundle ? 'keyless' : 'none')) as SigningMode;
  if (!['keyless', 'key', 'none'].includes(signing)) throw new ReleaseError('USAGE', `--signing ${signing} is not keyless, key or none.`);
  const makeLatestFlag = values['make-latest'] as MakeLatest | undefined;
  if (makeLatestFlag && !['true', 'false', 'legacy'].includes(makeLatestFlag))
    throw new ReleaseError('USAGE', `--make-latest ${makeLatestFlag} is not true, false or legacy.`);
  const required = String(values.require ?? 'package')
    .split(',')
    .map((k: string) => k.trim())
    .filter(Boolean) as AssetKind[];

  const chartDir = values['chart-dir']!;
  const { chart, annotations } = await readChart(chartDir);
  const tag = releaseTag(values['tag-template'] ?? DEFAULT_TAG_TEMPLATE, chart);
  const doc = (name: string) => join(chartDir, name);
  const notesTemplateFile = values['notes-template'];
  const tagGlob = releaseTagGlob(values['tag-template'], chart.name);
  // as the release workflow takes them: the chart's own CHANGELOG, README and LICENSE, else the repository root's
  // LICENSE and a CHANGELOG generated from artifacthub.io/changes or the chart's commits (kinds in --require must
  // be the chart's own)
  const root = (await gitTopLevel(chartDir)) ?? resolve(chartDir);
  const generated = await mkdtemp(join(tmpdir(), 'chart-github-release-'));
  try {
    return await assemble(generated);
  } finally {
    await rm(generated, { recursive: true, force: true });
  }

  async function assemble(outDir: string): Promise<number> {
    const sources = await resolveReleaseSourceFiles({
      chart: { ...chart, annotations },
      chartDir,
      chartPath: relative(root, resolve(chartDir)) || '.',
      repositoryRoot: root,
      tagGlob,
      currentTag: tag,
      head: values.target ?? 'HEAD',
      outDir,
      ownOnly: required.filter(isSourceFileKind),
    });
    const prepared = await prepareChartRelease({
      chart,
      chartDir,
      tag,
      tagGlob,
      head: values.target ?? 'HEAD',
      files: {
        package: values.package,
        signature: values.signature,
        bundle: values.bundle,
        lineage: values.lineage,
        changelog: sources.files.changelog ?? doc('CHANGELOG.md'),
        readme: sources.files.readme ?? doc('README.md'),
        license: sources.files.license ?? doc('LICENSE'),
      },
      required,
      ...(values.lineage ? { lineage: { file: values.lineage, asset: `${chart.name}-attestation-lineage.json` } } : {}),
      registry: values.registry!,
      digest: values.digest!,
      repository: `${repository.owner}/${repository.repo}`,
      serverUrl: env.GITHUB_SERVER_URL,
      signing: {
        mode: signing,
        certificateIdentity: values['certificate-identity'],
        certificateOidcIssuer: values['certificate-oidc-issuer'],
        publicKey: values['public-key'],
      },
      notesTemplateFile,
      makeLatest: makeLatestFlag,
      chartsInRepository: makeLatestFlag ? undefined : await countCharts(dirname(chartDir)),
      log,
    });
    const { notes, assets: planned, makeLatest } = prepared;

    const token = env.GITHUB_TOKEN ?? env.GH_TOKEN;
    registerSecret(token);
    const assets = planned.map(({ kind, name, contentType, size, sha256 }) => ({ kind, name, contentType, size, sha256 }));
    if (values['dry-run'] && !token) {
      print(
        values.json,
        cliReport({ charts: [{ name: chart.name, version: chart.version, tag, notes, assets, release: null }], warnings: log.warnings, dryRun: true }),
        () => `${notes}\n${assetTable(assets)}\n(dry run: no GITHUB_TOKEN, so the existing release was not looked at)\n`,
      );
      return 0;
    }
    if (!token)
      throw new ReleaseError('GITHUB_AUTH_FAILED', 'GITHUB_TOKEN is not set.', {
        hint: "export GITHUB_TOKEN with 'contents: write' on the repository, or use --dry-run.",
      });
    const octokit = createGitHubClient({ token, baseUrl: values['api-url'], logger: log });
    const publisher = new ReleasePublisher({ octokit, logger: log });
    const existing = await publisher.listExistingReleases(repository);
    const target = values.target ?? env.GITHUB_SHA ?? (await headSha(chartDir));
    const release = await publisher.assembleRelease({
      existing,
      chart: chart.name,
      version: chart.version,
      tag,
      targetCommitish: target,
      notes,
      assets: planned,
      makeLatest,
      dryRun: values['dry-run'],
    });
    const published = values.publish && !values['dry-run'] ? await publisher.publishReleases([release]) : [];
    const result = cliReport({
      charts: [{ name: chart.name, version: chart.version, tag, release, published, ...(values['dry-run'] ? { notes } : {}) }],
      warnings: log.warnings,
      dryRun: values['dry-run'],
      requests: publisher.requests,
    });
    print(values.json, result, () => {
      const head = values['dry-run'] ? `${notes}\n` : '';
      const state = published.some((p) => p.published) ? 'published' : release.status === 'exists' ? 'already published' : `draft ${release.status}`;
      return `${head}${tag}: ${values['dry-run'] ? 'would be ' : ''}${state}${release.htmlUrl ? ` ${published[0]?.htmlUrl ?? release.htmlUrl}` : ''}\n${assetTable(release.assets)}\n`;
    });
    return 0;
  }
}

/** The chart as the release notes see it, and its annotations (where a CHANGELOG may come from). */
async function readChart(chartDir: string) {
  const meta = await readChartYaml(chartDir);
  const chart = {
    name: meta.name,
    version: meta.version,
    ...(meta.appVersion ? { appVersion: meta.appVersion } : {}),
    ...(meta.description ? { description: meta.description } : {}),
  };
  return { chart, annotations: meta.annotations };
}

/** What `git rev-parse <arg>` prints in `dir`, or undefined when git fails there (not in a work tree). */
async function revParse(dir: string, arg: string): Promise<string | undefined> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) =>
    execFile('git', ['rev-parse', arg], { cwd: dir }, (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined)),
  );
}

/** The work tree's top folder around `dir` (where a repository-wide LICENSE lives), or undefined outside one. */
const gitTopLevel = (dir: string) => revParse(dir, '--show-toplevel');

async function countCharts(chartsRoot: string): Promise<number> {
  const entries = await readdir(chartsRoot, { withFileTypes: true }).catch(() => []);
  let n = 0;
  for (const e of entries) if (e.isDirectory() && (await stat(join(chartsRoot, e.name, 'Chart.yaml')).catch(() => undefined))) n++;
  return n;
}

async function headSha(dir: string): Promise<string> {
  const sha = await revParse(dir, 'HEAD');
  if (sha) return sha;
  throw new ReleaseError('TARGET_UNKNOWN', `cannot tell the release commit: ${basename(dir)} is not in a git work tree.`, { hint: 'pass --target <sha>.' });
}

function assetTable(assets: { name: string; action?: string; contentType?: string; size: number }[]): string {
  const rows = assets.map((a) => `  ${(a.action ?? 'planned').padEnd(9)} ${a.name.padEnd(44)} ${String(a.size).padStart(10)}  ${a.contentType ?? ''}`);
  return ['Assets:', ...rows].join('\n');
}

function print(json: boolean | undefined, value: unknown, text: () => string): void {
  if (json) writeJson(value);
  else writeStdout(text());
}

await runCli(NAME, main);
