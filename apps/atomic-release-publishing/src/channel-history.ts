import { ReleaseError } from '@chart-release/core';
import { promote, type PromoteRequest, type PromotionRegistry, type PromotionResult, type PromotionServices } from './promote.ts';
import { parseAuditTag } from './tag-policy.ts';

/** One move of a channel, as its audit tag records it. */
export interface ChannelPosition {
  tag: string;
  digest: string;
  at: Date;
  sequence: number;
  kind: 'promoted' | 'rollback';
}

/** The channel's history, newest first, from its audit tags (recoverable from the registry alone). */
export async function channelHistory(registry: PromotionRegistry, repository: string, channel: string): Promise<ChannelPosition[]> {
  const tags = (await registry.listTags(repository)).map((tag) => ({ tag, parsed: parseAuditTag(tag) })).filter((t) => t.parsed?.channel === channel);
  const positions: ChannelPosition[] = [];
  for (const { tag, parsed } of tags) {
    const digest = await registry.resolve(repository, tag);
    if (digest) positions.push({ tag, digest, at: parsed!.at, sequence: parsed!.sequence, kind: parsed!.kind });
  }
  return positions.sort((a, b) => b.at.getTime() - a.at.getTime() || b.sequence - a.sequence);
}

/**
 * The promotions of a channel still in effect, oldest first: a promotion adds its digest; a rollback to a digest
 * undoes every promotion after the newest one of that digest. So a rollback goes back one promotion, and a second
 * rollback goes back one more (never forward to what the first one undid).
 */
export function promotionsInEffect(history: readonly ChannelPosition[]): string[] {
  const stack: string[] = [];
  for (const p of [...history].reverse()) {
    if (p.kind === 'promoted') {
      if (stack.at(-1) !== p.digest) stack.push(p.digest);
      continue;
    }
    const at = stack.lastIndexOf(p.digest);
    if (at >= 0) stack.length = at + 1;
    else stack.push(p.digest);
  }
  return stack;
}

/**
 * Rolls `channel` back: to `target` (a version or digest) when given, else one promotion back, to the digest the
 * channel held before the newest promotion still in effect (see promotionsInEffect). The target's signature is
 * verified like any promotion; the audit tag says `rollback`.
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
    const inEffect = promotionsInEffect(history);
    if (inEffect.at(-1) === current) inEffect.pop();
    digest = inEffect.at(-1);
    if (!digest) {
      throw new ReleaseError('NO_ROLLBACK_TARGET', `${request.ociRepository}:${request.channel} has no earlier promotion in effect to go back to.`, {
        chart: request.chart,
        hint: 'every earlier promotion has been rolled back already; name the target with --to <version|digest>.',
        details: { history: history.map((h) => h.tag) },
      });
    }
  }
  const result = await promote({ ...request, to: request.channel, version, digest, kind: 'rollback' }, services);
  return { ...result, history };
}
