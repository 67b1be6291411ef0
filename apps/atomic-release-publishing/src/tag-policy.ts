import semver from 'semver';
import { ReleaseError } from '@chart-release/core';

/** Channels that move (by promotion or rollback); every other allowed tag is an immutable version tag. */
export const DEFAULT_CHANNELS = ['stable', 'latest', 'dev', 'staging', 'prod'] as const;

export type TagKind = 'version' | 'channel' | 'other';

const OCI_TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** Checks a `sha256:<64 hex>` digest; the error says exactly which rule it breaks. */
export function checkDigest(input: string, chart?: string): ReleaseError | undefined {
  if (DIGEST.test(input)) return undefined;
  const hint = 'pass the manifest digest as sha256:<64 lowercase hex>, e.g. from the release manifest or `chart-release plan --json`.';
  let why: string;
  if (/^[0-9a-fA-F]{64}$/.test(input)) why = `digest '${input}' lacks the 'sha256:' prefix; digests are written sha256:<64 hex>`;
  else if (/^sha256:[0-9A-Fa-f]{64}$/.test(input)) why = `digest '${input}' has uppercase hex; OCI digests use lowercase`;
  else if (/^sha256:[0-9a-fA-F]*$/.test(input)) why = `digest '${input}' has ${input.length - 7} hex characters; sha256 digests have exactly 64`;
  else if (/^[a-z0-9]+:/.test(input)) why = `digest '${input}' uses algorithm '${input.split(':')[0]}'; only sha256 is accepted`;
  else why = `'${input}' is not a digest`;
  return new ReleaseError('DIGEST_INVALID', `${why}.`, { chart, hint });
}

/** Checks that `tag` is a valid OCI tag (`[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`). */
export function checkTagCharacters(tag: string, chart?: string): ReleaseError | undefined {
  if (OCI_TAG.test(tag)) return undefined;
  const bad = [...new Set(tag.replace(/[A-Za-z0-9._-]/g, ''))].join('');
  return new ReleaseError(
    'TAG_INVALID',
    `tag '${tag}' is not a valid OCI tag${bad ? ` (characters not allowed: ${JSON.stringify(bad)})` : tag.length > 128 ? ' (longer than 128 characters)' : ' (must not start with . or -)'}.`,
    { chart, hint: "tags use letters, digits, '_', '.', '-' (at most 128, not starting with '.' or '-'); a '+' in a version is written '_'." },
  );
}

/** Whether `tag` is a version tag (`vX.Y.Z[-pre]`, or `X.Y.Z[-pre]` as helm pushes them), a channel, or other. */
export function classifyTag(tag: string, channels: readonly string[] = DEFAULT_CHANNELS): TagKind {
  if (channels.includes(tag)) return 'channel';
  const version = tag.replace(/^v/, '').replaceAll('_', '+');
  if (semver.valid(version) && !tag.startsWith('V')) return 'version';
  return 'other';
}

export interface TagPolicyDecision {
  kind: TagKind;
  /** A version tag never moves once set; a channel does. */
  immutable: boolean;
  /** `--allow-non-semver` was needed (and is recorded in the audit). */
  nonSemverAllowed: boolean;
}

/** Applies the tag policy to a promotion target; a refused tag is a ReleaseError saying how to proceed. */
export function applyTagPolicy(tag: string, options: { allowNonSemver?: boolean; channels?: readonly string[]; chart?: string } = {}): TagPolicyDecision {
  const invalid = checkTagCharacters(tag, options.chart);
  if (invalid) throw invalid;
  const reserved = reservedTagProblem(tag, options.chart);
  if (reserved) throw reserved;
  const kind = classifyTag(tag, options.channels);
  if (kind === 'other' && !options.allowNonSemver) {
    throw new ReleaseError(
      'TAG_POLICY',
      `tag '${tag}' is neither a semver version tag (vX.Y.Z[-pre]) nor a channel (${(options.channels ?? DEFAULT_CHANNELS).join(', ')}).`,
      {
        chart: options.chart,
        hint: 'use a version or channel tag, or pass --allow-non-semver to promote to it anyway (recorded in the audit).',
      },
    );
  }
  return { kind, immutable: kind !== 'channel', nonSemverAllowed: kind === 'other' };
}

/** `<channel>-<kind>-YYYYMMDD-HHMMSS[-N]` (UTC): the audit tag written next to every channel move; N > 1 orders moves within one second. */
export function auditTag(channel: string, kind: 'rollback' | 'promoted', at: Date, sequence = 1): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${channel}-${kind}-${stamp}${sequence > 1 ? `-${sequence}` : ''}`;
}

/** Parses an audit tag back into its channel, kind, time and sequence, or undefined when `tag` is not one. */
export function parseAuditTag(tag: string): { channel: string; kind: 'rollback' | 'promoted'; at: Date; sequence: number } | undefined {
  const m = /^(.+)-(rollback|promoted)-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(?:-(\d+))?$/.exec(tag);
  if (!m) return undefined;
  const [, channel, kind, y, mo, d, h, mi, s, n] = m;
  return { channel: channel!, kind: kind as 'rollback' | 'promoted', at: new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`), sequence: n ? Number(n) : 1 };
}

/**
 * The audit tag for the next move of `channel`, after every audit tag already in `tags`: unique, and later than the
 * newest one even when this machine's clock is behind the one that wrote it.
 */
export function nextAuditTag(channel: string, kind: 'rollback' | 'promoted', at: Date, tags: readonly string[]): { tag: string; at: Date } {
  let newest: { at: Date; sequence: number } | undefined;
  for (const t of tags) {
    const parsed = parseAuditTag(t);
    if (parsed?.channel !== channel) continue;
    if (!newest || parsed.at.getTime() > newest.at.getTime() || (parsed.at.getTime() === newest.at.getTime() && parsed.sequence > newest.sequence))
      newest = parsed;
  }
  const second = new Date(Math.floor(at.getTime() / 1000) * 1000);
  if (!newest || second.getTime() > newest.at.getTime()) return { tag: auditTag(channel, kind, second), at: second };
  return { tag: auditTag(channel, kind, newest.at, newest.sequence + 1), at: newest.at };
}

/** Tags the tooling writes itself and no promotion may take: audit tags, and cosign's and the referrers fallback's `sha256-<hex>[.sig|.att|...]`. */
export function reservedTagProblem(tag: string, chart?: string): ReleaseError | undefined {
  const audit = parseAuditTag(tag);
  const digestTag = /^sha256-[0-9a-f]{64}(\.[A-Za-z0-9_-]+)?$/.test(tag);
  if (!audit && !digestTag) return undefined;
  return new ReleaseError(
    'RESERVED_TAG',
    audit
      ? `tag '${tag}' has the shape of an audit tag of channel '${audit.channel}'; audit tags are written only by promote and rollback, so a promotion cannot take one.`
      : `tag '${tag}' has the shape of a signature or referrers tag (sha256-<digest>); those belong to the digest they name.`,
    { chart, hint: 'promote to a version tag or a channel (stable, latest, ...); --allow-non-semver does not lift this.' },
  );
}
