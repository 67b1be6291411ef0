import { AggregateReleaseError, ReleaseError, silentLogger, type Logger } from '@chart-release/core';
import { applyTagPolicy, auditTag, checkDigest, parseAuditTag, type TagPolicyDecision } from './tag-policy.ts';
import type { ManifestPromotion } from './manifest.ts';

/** The registry operations promotion needs (a subset of @chart-release/oci's RegistryClient). */
export interface PromotionRegistry {
  /** Digest `tag` points at in `repository`, or undefined when the tag does not exist. */
  resolve(repository: string, tag: string): Promise<string | undefined>;
  /** Whether a manifest with `digest` exists in `repository`. */
  exists(repository: string, digest: string): Promise<boolean>;
  /** Points `tag` at `digest` server-side (the exact manifest bytes under a new tag); returns the digest stored. */
  retag(repository: string, digest: string, tag: string): Promise<string>;
  listTags(repository: string): Promise<string[]>;
}

/** What a promotion checks and records outside the registry. */
export interface PromotionServices {
  registry: PromotionRegistry;
  /** Verifies the signature of `digest` against the identity policy; throws a ReleaseError with the reason. */
  verifySignature(repository: string, digest: string): Promise<{ identity?: string }>;
  /** `helm show chart` and `helm template` of `repository@digest`, offline once pulled; returns the chart version. */
  sanityCheck(repository: string, digest: string): Promise<{ version: string }>;
  /** Records the move in GitHub (release notes of the chart's version); returns the record's URL. */
  audit?(record: ManifestPromotion & { repository: string }): Promise<string | undefined>;
  logger?: Logger;
  now?: () => Date;
  actor?: string;
  runUrl?: string;
}

export interface PromoteRequest {
  chart: string;
  /** Repository of the chart in the registry, e.g. `acme/charts/web-app`. */
  repository: string;
  /** `oci://host/acme/charts/web-app`, for messages and install commands. */
  ociRepository: string;
  version?: string;
  digest?: string;
  to: string;
  allowNonSemver?: boolean;
  channels?: readonly string[];
  dryRun?: boolean;
  /** Roll back rather than promote (the audit tag says which). */
  kind?: 'promote' | 'rollback';
}

export interface PromotionResult {
  chart: string;
  tag: string;
  digest: string;
  version?: string;
  previousDigest?: string;
  status: 'moved' | 'unchanged' | 'planned';
  policy: TagPolicyDecision;
  auditTag?: string;
  auditUrl?: string;
  record?: ManifestPromotion;
  /** Install command pinned to the version and the digest. */
  install: string;
}

/**
 * Preflight of a promotion: every format and policy problem at once, before any approval gate or network write.
 * Returns the resolved source digest and the tag-policy decision.
 */
export async function preflightPromotion(
  request: PromoteRequest,
  registry: PromotionRegistry,
): Promise<{ digest: string; policy: TagPolicyDecision; current?: string }> {
  const errors: ReleaseError[] = [];
  if (!request.version === !request.digest) {
    errors.push(
      new ReleaseError('USAGE', 'give exactly one of --version and --digest.', {
        chart: request.chart,
        hint: 'promote a version (resolved to its digest) or a digest.',
      }),
    );
  }
  const digestProblem = request.digest ? checkDigest(request.digest, request.chart) : undefined;
  if (digestProblem) errors.push(digestProblem);
  let policy: TagPolicyDecision | undefined;
  try {
    policy = applyTagPolicy(request.to, { allowNonSemver: request.allowNonSemver, channels: request.channels, chart: request.chart });
  } catch (error) {
    errors.push(error as ReleaseError);
  }
  if (errors.length) throw errors.length === 1 ? errors[0]! : new AggregateReleaseError(errors, 'promotion preflight failed');

  let digest = request.digest;
  if (request.version) {
    digest = await registry.resolve(request.repository, request.version.replaceAll('+', '_'));
    if (!digest) {
      throw new ReleaseError('SOURCE_NOT_FOUND', `${request.ociRepository}:${request.version} does not exist.`, {
        chart: request.chart,
        hint: 'publish that version first, or check --chart and --version.',
      });
    }
  } else if (!(await registry.exists(request.repository, digest!))) {
    throw new ReleaseError('SOURCE_NOT_FOUND', `${request.ociRepository}@${digest} does not exist.`, {
      chart: request.chart,
      hint: 'promote a digest that a publish run pushed (see its release manifest).',
    });
  }
  const current = await registry.resolve(request.repository, request.to);
  if (current && current !== digest && policy!.immutable) {
    throw new ReleaseError(
      'IMMUTABLE_TAG',
      `${request.ociRepository}:${request.to} already points at ${current}; version tags never move (asked for ${digest}).`,
      {
        chart: request.chart,
        hint: 'promote to a channel (stable, latest) or to a new version tag.',
        details: { current, requested: digest },
      },
    );
  }
  return { digest: digest!, policy: policy!, current };
}

/**
 * Promotes a published digest to a tag: preflight, signature verified before anything moves, a server-side re-tag
 * by digest, read back, a helm sanity check, an audit tag (channels) and an audit record.
 */
export async function promote(request: PromoteRequest, services: PromotionServices): Promise<PromotionResult> {
  const log = services.logger ?? silentLogger;
  const now = services.now ?? (() => new Date());
  const { registry } = services;
  const { digest, policy, current } = await preflightPromotion(request, registry);
  const kind = request.kind ?? 'promote';
  const base = { chart: request.chart, tag: request.to, digest, previousDigest: current, policy };
  const installFor = (version?: string) =>
    `helm install ${request.chart} ${request.ociRepository}${version ? ` --version ${version}` : ''}  # or pin the digest: ${request.ociRepository}@${digest}`;

  log.info(`verifying the signature of ${request.ociRepository}@${digest}`);
  await services.verifySignature(request.repository, digest);
  const { version } = await services.sanityCheck(request.repository, digest);
  if (current === digest) {
    log.info(`${request.ociRepository}:${request.to} already points at ${digest}; nothing to do`);
    return { ...base, version, status: 'unchanged', install: installFor(version) };
  }
  if (request.dryRun) return { ...base, version, status: 'planned', install: installFor(version) };

  log.info(`moving ${request.to} -> ${digest}${current ? ` (was ${current})` : ''}`);
  await registry.retag(request.repository, digest, request.to);
  const readBack = await registry.resolve(request.repository, request.to);
  if (readBack !== digest) {
    throw new ReleaseError(
      'PROMOTION_VERIFY_FAILED',
      `after the move, ${request.ociRepository}:${request.to} resolves to ${readBack ?? 'nothing'}, not ${digest}.`,
      {
        chart: request.chart,
        hint: 'the registry did not keep the tag; re-run the promotion (it is idempotent).',
      },
    );
  }
  const at = now();
  let audit: string | undefined;
  if (policy.kind === 'channel') {
    audit = auditTag(request.to, kind === 'rollback' ? 'rollback' : 'promoted', at);
    await registry.retag(request.repository, digest, audit);
  }
  const record: ManifestPromotion = {
    kind,
    chart: request.chart,
    channel: request.to,
    version,
    digest,
    ...(current ? { previousDigest: current } : {}),
    ...(audit ? { auditTag: audit } : {}),
    at: at.toISOString(),
    ...(services.actor ? { by: services.actor } : {}),
    ...(services.runUrl ? { runUrl: services.runUrl } : {}),
    ...(policy.nonSemverAllowed ? { allowNonSemver: true } : {}),
  };
  const auditUrl = await services.audit?.({ ...record, repository: request.ociRepository });
  return { ...base, version, status: 'moved', auditTag: audit, auditUrl, record, install: installFor(version) };
}

/** One position of a channel, as its audit tags record it. */
export interface ChannelPosition {
  tag: string;
  digest: string;
  at: Date;
  kind: 'promoted' | 'rollback';
}

/** The channel's history, newest first, from its audit tags (recoverable from the registry alone). */
export async function channelHistory(registry: PromotionRegistry, repository: string, channel: string): Promise<ChannelPosition[]> {
  const tags = (await registry.listTags(repository)).map((tag) => ({ tag, parsed: parseAuditTag(tag) })).filter((t) => t.parsed?.channel === channel);
  const positions: ChannelPosition[] = [];
  for (const { tag, parsed } of tags) {
    const digest = await registry.resolve(repository, tag);
    if (digest) positions.push({ tag, digest, at: parsed!.at, kind: parsed!.kind });
  }
  return positions.sort((a, b) => b.at.getTime() - a.at.getTime() || b.tag.localeCompare(a.tag));
}

/**
 * Rolls `channel` back: to `target` (a version or digest) when given, else to the most recent earlier digest in the
 * channel's audit history. The target's signature is verified like any promotion; the audit tag says `rollback`.
 */
export async function rollback(
  request: Omit<PromoteRequest, 'to' | 'version' | 'digest' | 'kind'> & { channel: string; target?: string },
  services: PromotionServices,
): Promise<PromotionResult & { history: ChannelPosition[] }> {
  const history = await channelHistory(services.registry, request.repository, request.channel);
  let version: string | undefined;
  let digest: string | undefined;
  if (request.target) {
    if (request.target.includes(':') || /^[0-9a-f]{64}$/i.test(request.target)) digest = request.target;
    else version = request.target;
  } else {
    const current = await services.registry.resolve(request.repository, request.channel);
    digest = history.find((p) => p.digest !== current)?.digest;
    if (!digest) {
      throw new ReleaseError('NO_ROLLBACK_TARGET', `${request.ociRepository}:${request.channel} has no earlier digest in its audit history.`, {
        chart: request.chart,
        hint: 'name the target with --to <version|digest>.',
        details: { history: history.map((h) => h.tag) },
      });
    }
  }
  const result = await promote({ ...request, to: request.channel, version, digest, kind: 'rollback' }, services);
  return { ...result, history };
}
