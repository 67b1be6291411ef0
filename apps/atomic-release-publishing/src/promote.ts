import { AggregateReleaseError, ReleaseError, silentLogger, type Logger } from '@chart-release/core';
import { chartTag } from '@chart-release/oci';
import { applyTagPolicy, checkDigest, nextAuditTag, type TagPolicyDecision } from './tag-policy.ts';
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
    digest = await registry.resolve(request.repository, chartTag(request.version));
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

/** A promotion every check passed for: what moves where, nothing moved yet. */
export interface PreparedPromotion {
  request: PromoteRequest;
  digest: string;
  policy: TagPolicyDecision;
  current?: string;
  version: string;
}

/**
 * Every check of a promotion, writing nothing: preflight, the signature of the source digest, a helm sanity check,
 * and that a version tag names the version of the chart it would point at (`0.6.0` only ever holds 0.6.0).
 */
export async function preparePromotion(request: PromoteRequest, services: PromotionServices): Promise<PreparedPromotion> {
  const log = services.logger ?? silentLogger;
  const { digest, policy, current } = await preflightPromotion(request, services.registry);
  log.info(`verifying the signature of ${request.ociRepository}@${digest}`);
  await services.verifySignature(request.repository, digest);
  const { version } = await services.sanityCheck(request.repository, digest);
  if (policy.kind === 'version' && versionOfTag(request.to) !== version) {
    throw new ReleaseError(
      'TAG_VERSION_MISMATCH',
      `${request.ociRepository}@${digest} is version ${version}; the version tag '${request.to}' may only point at version ${versionOfTag(request.to)}.`,
      {
        chart: request.chart,
        hint: `promote it to '${version}' or 'v${version}', or to a channel (stable, latest, ...).`,
        details: { digest, version, tag: request.to },
      },
    );
  }
  return { request, digest, policy, current, version };
}

/** Moves the tag of a prepared promotion: a server-side re-tag by digest, read back, then its audit tag and record. */
export async function applyPromotion(prepared: PreparedPromotion, services: PromotionServices): Promise<PromotionResult> {
  const log = services.logger ?? silentLogger;
  const now = services.now ?? (() => new Date());
  const { registry } = services;
  const { request, digest, policy, current, version } = prepared;
  const kind = request.kind ?? 'promote';
  const base = { chart: request.chart, tag: request.to, digest, previousDigest: current, policy, version };
  const install = `helm install ${request.chart} ${request.ociRepository} --version ${version}  # or pin the digest: ${request.ociRepository}@${digest}`;
  if (current === digest) {
    log.info(`${request.ociRepository}:${request.to} already points at ${digest}; nothing to do`);
    return { ...base, status: 'unchanged', install };
  }
  if (request.dryRun) return { ...base, status: 'planned', install };

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
  let at = now();
  let audit: string | undefined;
  if (policy.kind === 'channel') {
    // unique and after every earlier record of the channel (moves of one channel are serialised by its lease)
    const next = nextAuditTag(request.to, kind === 'rollback' ? 'rollback' : 'promoted', at, await registry.listTags(request.repository));
    audit = next.tag;
    at = next.at > at ? next.at : at;
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
  return { ...base, status: 'moved', auditTag: audit, auditUrl, record, install };
}

/**
 * Promotes a published digest to a tag: every check (signature, sanity, version tag), then the server-side re-tag
 * by digest, read back, an audit tag (channels) and an audit record.
 */
export async function promote(request: PromoteRequest, services: PromotionServices): Promise<PromotionResult> {
  return applyPromotion(await preparePromotion(request, services), services);
}

/**
 * Promotes several charts all or nothing: every promotion is checked before any tag moves (every problem reported
 * at once); should a move then fail, the channels already moved are put back where they were.
 */
export async function promoteAll(requests: PromoteRequest[], services: PromotionServices): Promise<PromotionResult[]> {
  const prepared: PreparedPromotion[] = [];
  const errors: ReleaseError[] = [];
  for (const request of requests) {
    try {
      prepared.push(await preparePromotion(request, services));
    } catch (error) {
      if (error instanceof AggregateReleaseError) errors.push(...error.errors);
      else if (error instanceof ReleaseError) errors.push(error);
      else throw error;
    }
  }
  if (errors.length) throw new AggregateReleaseError(errors, `no tag was moved; ${errors.length} of ${requests.length} promotions cannot be made`);
  const results: PromotionResult[] = [];
  for (const p of prepared) {
    try {
      results.push(await applyPromotion(p, services));
    } catch (error) {
      const restored: string[] = [];
      for (const done of results.filter((r) => r.status === 'moved' && r.policy.kind === 'channel' && r.previousDigest)) {
        const request = prepared.find((x) => x.request.chart === done.chart)!.request;
        await services.registry.retag(request.repository, done.previousDigest!, done.tag).then(
          () => restored.push(`${done.chart}:${done.tag}`),
          () => undefined,
        );
      }
      throw new ReleaseError('PROMOTION_INCOMPLETE', `moving ${p.request.chart}:${p.request.to} failed: ${(error as Error).message}`, {
        chart: p.request.chart,
        hint: `put back: ${restored.join(', ') || 'nothing to put back'}; re-run the promotion once the registry answers (it is idempotent).`,
        cause: error,
        details: { moved: results.filter((r) => r.status === 'moved').map((r) => `${r.chart}:${r.tag}`), restored },
      });
    }
  }
  return results;
}

/** `v1.2.3` and `1.2.3_build` as the chart version they stand for. */
function versionOfTag(tag: string): string {
  return tag.replace(/^v/, '').replaceAll('_', '+');
}
