import { readFile } from 'node:fs/promises';
import { recordPromotionInRelease, type Lease } from '@chart-release/github-release';
import {
  appendStepSummary,
  cliReport,
  createLogger,
  formatHelp,
  keepingWarnings,
  parseCli,
  ReleaseError,
  setOutput,
  writeJson,
  writeStdout,
} from '@chart-release/core';
import { CONNECTION_OPTIONS, CONNECTION_SECTIONS, connectionFlags } from '../cli-options.ts';
import { checkRegistryChart } from '@chart-release/oci';
import { loadConfig, type ReleaseConfig } from '../config.ts';
import { readManifest, writeManifest } from '../manifest.ts';
import { rollback } from '../channel-history.ts';
import { promoteAll, type PromotionResult, type PromotionServices } from '../promote.ts';
import { takeRunLease } from '../wiring/run-lease.ts';
import { githubContext, registryContext } from '../wiring/clients.ts';
import { refreshIndexFromReleases } from '../wiring/index-stage.ts';
import { promotionRegistry, verificationPolicy, verifyDigestSignature } from '../wiring/registry-views.ts';

const POLICY_OPTIONS = {
  identity: { type: 'string' },
  'identity-regexp': { type: 'string' },
  issuer: { type: 'string' },
  'public-key': { type: 'string' },
  manifest: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
} as const;

const POLICY_SECTIONS = [
  {
    title: 'Signature policy (the source digest must be signed by it before anything moves)',
    body: `  --identity <san>          certificate identity (default: signing.identity, else this repository's workflows)
  --identity-regexp <re>    certificate identity as a regular expression
  --issuer <url>            OIDC issuer (default GitHub Actions)
  --public-key <pem file>   verify a key-signed chart instead`,
  },
  {
    title: 'Audit',
    body: `  --manifest <file>         release manifest to add the promotion to (and, for promote, the charts to promote)
  --dry-run                 run every check, move nothing`,
  },
  ...CONNECTION_SECTIONS,
];

const JSON_HELP = `  --json                    print {ok, charts (one result per chart and tag), errors, warnings} on stdout
  -h, --help                show this help`;

const PROMOTE_HELP = formatHelp({
  command: 'chart-release promote',
  summary: 'move a tag (stable, latest, vX.Y.Z) to a published, signed digest',
  usage: [
    'chart-release promote --chart <name> (--version <v> | --digest sha256:<64 hex>) --to <tag> [options]',
    'chart-release promote --manifest release-manifest.json --to <channel> [options]',
  ],
  description: `Moves a tag to a published digest: preflight (digest and tag format, tag policy, version tags immutable, the
source exists), the signature verified, a server-side re-tag by digest (no pull and push), read back, helm show
chart / helm template of the result, an audit tag <channel>-promoted-YYYYMMDD-HHMMSS[-N] and a record in the
GitHub release notes and the manifest. Tags: vX.Y.Z[-pre] (immutable, and only for that very version: the tag
0.6.0 never holds another version) or a channel (stable, latest, dev, staging, prod); anything else only with
--allow-non-semver (recorded), and never the shape of an audit or signature tag. With --manifest every chart is
checked before any tag moves (all or nothing). Moves of one tag take turns through a lease in GitHub.`,
  options: `  --chart <name>            chart to promote
  --version <v>             the published version to promote (resolved to its digest)
  --digest sha256:<hex>     the digest to promote
  --to <tag>                target tag
  --allow-non-semver        allow a tag that is neither a version nor a channel
  --publish-drafts          second phase of 'publish --phase publish': publish the manifest's draft releases
                            (after every artifact's signature is verified), then promote them (--to latest)
${JSON_HELP}`,
  sections: POLICY_SECTIONS,
});

const ROLLBACK_HELP = formatHelp({
  command: 'chart-release rollback',
  summary: 'move a channel back to its previous (or a named) digest',
  usage: ['chart-release rollback --chart <name> --channel <tag> [--to <version|digest>] [options]'],
  description: `Moves a channel back: to --to when given, else one promotion back, to the digest the channel held before the
newest promotion still in effect (from its audit tags in the registry). A rollback undoes a promotion and never
the other way round: rolling back twice goes back two promotions (A, B, C promoted: C -> B -> A), and a third
time, with nothing earlier left, stops with NO_ROLLBACK_TARGET. The target's signature is verified first; an
audit tag <channel>-rollback-YYYYMMDD-HHMMSS[-N] and a record are written. Promotions and rollbacks of one
channel take turns through a lease in GitHub, so their audit tags are unique and in order.`,
  options: `  --chart <name>            chart
  --channel <tag>           channel to roll back (stable, latest, ...)
  --to <version|digest>     target (default: the previous digest of the channel)
${JSON_HELP}`,
  sections: POLICY_SECTIONS,
});

/** The logger of this command; its warnings go into the `--json` report. */
let commandLogger: ReturnType<typeof keepingWarnings> | undefined;
const commandLog = () => (commandLogger ??= keepingWarnings(createLogger()));

/** `chart-release promote`. */
export async function promoteCommand(argv: string[]): Promise<number> {
  const { values } = parseCli(
    argv,
    {
      ...CONNECTION_OPTIONS,
      ...POLICY_OPTIONS,
      chart: { type: 'string' },
      version: { type: 'string' },
      digest: { type: 'string' },
      to: { type: 'string' },
      'allow-non-semver': { type: 'boolean', default: false },
      'publish-drafts': { type: 'boolean', default: false },
    },
    'chart-release promote',
  );
  if (values.help) {
    writeStdout(PROMOTE_HELP);
    return 0;
  }
  if (!values.to) throw new ReleaseError('USAGE', 'missing --to <tag>.', { hint: "run 'chart-release promote --help'" });
  const manifest = values.manifest ? await readManifest(values.manifest) : undefined;
  const config = loadConfig({
    cwd: values.cwd ?? process.cwd(),
    env: process.env,
    flags: { ...connectionFlags(values), registry: values.registry ?? manifest?.registry },
  });
  const targets =
    manifest && !values.chart
      ? manifest.artifacts.map((a) => ({ chart: a.name, digest: a.digest, version: undefined }))
      : [{ chart: required(values.chart, '--chart'), version: values.version, digest: values.digest }];
  const services = await promotionServices(config, values);
  if (values['publish-drafts']) {
    if (!manifest)
      throw new ReleaseError('USAGE', '--publish-drafts needs --manifest <release-manifest.json>.', { hint: 'pass the manifest the publish phase wrote.' });
    // nothing is published unless every artifact is signed by the expected identity
    for (const a of manifest.artifacts) await services.verifySignature(services.repositoryOf(a.name), a.digest);
    if (!values['dry-run']) await publishManifestDrafts(config, manifest);
  }
  const requests = targets.map((target) => ({
    chart: target.chart,
    repository: services.repositoryOf(target.chart),
    ociRepository: `${config.registry}/${target.chart}`,
    version: target.version,
    digest: target.digest,
    to: values.to!,
    allowNonSemver: values['allow-non-semver'],
    dryRun: values['dry-run'],
  }));
  // all or nothing: every promotion is checked before any tag moves, with the moves of each tag serialised
  const results = await withTagLeases(
    config,
    requests.map((r) => ({ chart: r.chart, tag: r.to })),
    values['dry-run'],
    () => promoteAll(requests, services),
  );
  await finish(results, values, manifest);
  return 0;
}

/** `chart-release rollback`. */
export async function rollbackCommand(argv: string[]): Promise<number> {
  const { values } = parseCli(
    argv,
    { ...CONNECTION_OPTIONS, ...POLICY_OPTIONS, chart: { type: 'string' }, channel: { type: 'string' }, to: { type: 'string' } },
    'chart-release rollback',
  );
  if (values.help) {
    writeStdout(ROLLBACK_HELP);
    return 0;
  }
  const chart = required(values.chart, '--chart');
  const channel = required(values.channel, '--channel');
  const manifest = values.manifest ? await readManifest(values.manifest) : undefined;
  const config = loadConfig({
    cwd: values.cwd ?? process.cwd(),
    env: process.env,
    flags: { ...connectionFlags(values), registry: values.registry ?? manifest?.registry },
  });
  const services = await promotionServices(config, values);
  const result = await withTagLeases(config, [{ chart, tag: channel }], values['dry-run'], () =>
    rollback(
      { chart, channel, target: values.to, repository: services.repositoryOf(chart), ociRepository: `${config.registry}/${chart}`, dryRun: values['dry-run'] },
      services,
    ),
  );
  await finish([result], values, manifest);
  return 0;
}

/** Publishes the draft releases a `publish --phase publish` run recorded in its manifest. */
async function publishManifestDrafts(config: ReleaseConfig, manifest: Awaited<ReturnType<typeof readManifest>>): Promise<void> {
  const gh = githubContext(config, commandLog());
  for (const artifact of manifest.artifacts) {
    if (!artifact.release?.id) continue;
    const { data } = await gh.octokit.rest.repos.getRelease({ owner: gh.repo.owner, repo: gh.repo.repo, release_id: artifact.release.id });
    if (!data.draft) continue;
    const { data: published } = await gh.octokit.rest.repos.updateRelease({
      owner: gh.repo.owner,
      repo: gh.repo.repo,
      release_id: artifact.release.id,
      draft: false,
      make_latest: manifest.artifacts.length > 1 ? 'false' : 'true',
    });
    artifact.release.url = published.html_url;
  }
  // the one-phase run indexes what it publishes; here the releases go public, so the index follows them
  if (config.index.enabled) {
    const result = await refreshIndexFromReleases(config, () => gh, commandLog(), {});
    commandLog().info(
      `${result.branch}:${result.path}: ${result.added.length ? `added ${result.added.map((e) => `${e.name} ${e.version}`).join(', ')}` : 'up to date'}`,
    );
  }
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new ReleaseError('USAGE', `missing ${flag}.`, { hint: 'see --help for the options.' });
  return value;
}

async function promotionServices(config: ReleaseConfig, values: Record<string, unknown>): Promise<PromotionServices & { repositoryOf(chart: string): string }> {
  const logger = commandLog();
  const registry = registryContext(config, process.env, logger);
  const publicKeyPem = typeof values['public-key'] === 'string' ? await readFile(values['public-key'], 'utf8') : undefined;
  const policy = verificationPolicy(config, {
    identity: values.identity as string | undefined,
    identityRegexp: values['identity-regexp'] as string | undefined,
    issuer: values.issuer as string | undefined,
    publicKeyPem,
  });
  const gh = config.github.repository && config.github.token ? githubContext(config, logger) : undefined;
  if (!gh) logger.warn('no GitHub repository or token: the promotion is recorded in the registry and the manifest only');
  return {
    registry: promotionRegistry(registry.client),
    repositoryOf: registry.repositoryOf,
    verifySignature: async (repository, digest) => {
      const r = await verifyDigestSignature(registry.client, config, repository, digest, policy);
      logger.info(`signature verified: ${r.certificateIdentity ?? r.keyHint ?? 'key'}`);
      return { identity: r.certificateIdentity };
    },
    sanityCheck: (repository, digest) => checkRegistryChart(registry.client, repository, digest, { binary: config.helm }),
    audit: gh ? (record) => recordPromotionInRelease(gh, config.release.tagTemplate, record, logger) : undefined,
    logger,
    actor: process.env.GITHUB_ACTOR ?? process.env.USER,
    runUrl: config.github.runUrl,
  };
}

async function finish(
  results: PromotionResult[],
  values: Record<string, unknown>,
  manifest: Awaited<ReturnType<typeof readManifest>> | undefined,
): Promise<void> {
  if (manifest && values.manifest && !values['dry-run']) {
    manifest.promotions.push(...results.flatMap((r) => (r.record ? [r.record] : [])));
    await writeManifest(values.manifest as string, manifest);
  }
  const rows = results.map(
    (r) =>
      `${r.chart}: ${r.tag} -> ${r.digest} ${r.status}${r.previousDigest && r.status === 'moved' ? ` (was ${r.previousDigest})` : ''}${r.auditTag ? ` audit tag ${r.auditTag}` : ''}\n  ${r.install}`,
  );
  appendStepSummary(
    `## Promotion\n\n${results.map((r) => `- **${r.chart}** \`${r.tag}\` → \`${r.digest}\` (${r.version ?? '?'}) ${r.status}${r.auditUrl ? ` — [record](${r.auditUrl})` : ''}`).join('\n')}\n`,
  );
  setOutput('promoted', JSON.stringify(results.map((r) => ({ chart: r.chart, tag: r.tag, digest: r.digest, version: r.version, status: r.status }))));
  if (values.json) writeJson(cliReport({ charts: results, warnings: commandLog().warnings }));
  else writeStdout(`${rows.join('\n')}\n`);
}

/**
 * Runs `fn` holding the lease of every chart's tag (promote and rollback of one channel take the same one), taken in
 * a fixed order so two commands never wait for each other. Without GitHub there is nowhere to hold them: a warning.
 */
async function withTagLeases<T>(config: ReleaseConfig, tags: { chart: string; tag: string }[], dryRun: boolean, fn: () => Promise<T>): Promise<T> {
  const logger = commandLog();
  if (dryRun) return fn();
  if (!config.github.repository || !config.github.token) {
    logger.warn('no GitHub repository or token: moves of the same tag by other runs are not serialised');
    return fn();
  }
  const leases: Lease[] = [];
  try {
    for (const key of [...new Set(tags.map((t) => `promote-${t.chart}-${t.tag}`))].sort()) {
      leases.push(await takeRunLease(config, process.env, logger, key, `promotion or rollback of ${key.slice('promote-'.length)}`));
    }
    return await fn();
  } finally {
    for (const lease of leases.reverse()) await lease.release();
  }
}
