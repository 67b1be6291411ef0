import { silentLogger, type Logger } from '@chart-release/core';
import { releaseTag } from '@chart-release/chart-metadata';
import type { GitHubClient, RepositoryRef } from '@chart-release/github-client';

/** One move of a channel tag (a promotion or a rollback), as a release's notes record it. */
export interface PromotionRecord {
  kind: 'promote' | 'rollback';
  chart: string;
  channel: string;
  version?: string;
  digest: string;
  previousDigest?: string;
  auditTag?: string;
  at: string;
  by?: string;
  runUrl?: string;
  allowNonSemver?: boolean;
}

const START = '<!-- chart-release:promotions -->';
const END = '<!-- /chart-release:promotions -->';

/** The promotions section of a release body: the channel map and every move, newest first. */
export function renderPromotionSection(records: PromotionRecord[], ociRepository: string): string {
  const latestByChannel = new Map<string, PromotionRecord>();
  for (const r of records) if (!latestByChannel.has(r.channel)) latestByChannel.set(r.channel, r);
  const lines = [START, '### Channels', '', '| Channel | Version | Digest |', '| --- | --- | --- |'];
  for (const [channel, r] of [...latestByChannel].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`| \`${channel}\` | ${r.version ?? '—'} | \`${r.digest}\` |`);
  }
  lines.push('', "helm resolves `--version` against version tags only, so install a channel's chart by its pinned version and digest:", '');
  for (const [channel, r] of latestByChannel) {
    if (r.version)
      lines.push(`- \`${channel}\`: \`helm install ${ociRepository.split('/').pop()} ${ociRepository} --version ${r.version}\` (digest \`${r.digest}\`)`);
  }
  lines.push('', '### Promotion history', '', '| When (UTC) | Action | Channel | Version | Digest | By | Run |', '| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of records) {
    lines.push(
      `| ${r.at} | ${r.kind}${r.allowNonSemver ? ' (non-semver tag allowed)' : ''} | \`${r.channel}\` | ${r.version ?? '—'} | \`${r.digest.slice(0, 19)}…\` | ${r.by ?? '—'} | ${r.runUrl ? `[run](${r.runUrl})` : '—'} |`,
    );
  }
  lines.push(END);
  return lines.join('\n');
}

const RECORDS = /<!-- chart-release:promotion-records (.*?) -->/s;

/** The promotion records kept (as JSON in an HTML comment) in a release body. */
export function parsePromotionRecords(body: string, chart: string): PromotionRecord[] {
  const json = RECORDS.exec(body)?.[1];
  if (!json) return [];
  try {
    return (JSON.parse(json) as PromotionRecord[]).filter((r) => r.chart === chart);
  } catch {
    return [];
  }
}

/**
 * Records a promotion in GitHub: the release notes of the promoted version get (or update) a section with the
 * channel map and the history of moves. Returns the release URL, or undefined when the version has no release.
 */
export async function recordPromotionInRelease(
  gh: { octokit: GitHubClient; repo: RepositoryRef },
  tagTemplate: string,
  record: PromotionRecord & { repository: string },
  logger: Logger = silentLogger,
): Promise<string | undefined> {
  if (!record.version) return undefined;
  const tag = releaseTag(tagTemplate, { name: record.chart, version: record.version });
  let release;
  try {
    release = (await gh.octokit.rest.repos.getReleaseByTag({ owner: gh.repo.owner, repo: gh.repo.repo, tag })).data;
  } catch (error) {
    if ((error as { status?: number }).status === 404) {
      logger.warn(`no GitHub release ${tag} to record the promotion in`);
      return undefined;
    }
    throw error;
  }
  const body = release.body ?? '';
  const { repository, ...stored } = record;
  const records = [stored, ...parsePromotionRecords(body, record.chart)];
  const section = `${renderPromotionSection(records, repository)}\n<!-- chart-release:promotion-records ${JSON.stringify(records)} -->`;
  const start = body.indexOf(START);
  const recordsMatch = RECORDS.exec(body);
  const next =
    start >= 0 && recordsMatch
      ? `${body.slice(0, start)}${section}${body.slice(recordsMatch.index + recordsMatch[0].length)}`
      : `${body.trimEnd()}\n\n${section}\n`;
  await gh.octokit.rest.repos.updateRelease({ owner: gh.repo.owner, repo: gh.repo.repo, release_id: release.id, body: next });
  return release.html_url;
}
