import { cliReport, createLogger, keepingWarnings, parseCli, registerSecret, ReleaseError, runCli, writeJson, writeStdout } from '@chart-release/core';
import { createGitHubClient } from '@chart-release/github-client';
import { collectLineage } from './collect.ts';
import { extractAttestationMap } from './extract.ts';
import { lineageFileName, writeLineageFiles } from './lineage.ts';
import { findMergedPullRequest, listApprovals, noPullRequestError } from './pull-request.ts';
import { parseChartList } from './chart-list.ts';
import { DEFAULT_ON_MISSING_PR, type OnMissing } from './types.ts';
import { HELP } from './cli-help.ts';

const OPTIONS = {
  sha: { type: 'string' },
  repo: { type: 'string' },
  charts: { type: 'string' },
  out: { type: 'string' },
  'allowed-author': { type: 'string', multiple: true },
  'on-missing-pr': { type: 'string' },
  'on-missing-map': { type: 'string' },
  'base-branch': { type: 'string' },
  'max-bytes': { type: 'string' },
  'no-enrich': { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
} as const;

function choice(value: string | undefined, flag: string, fallback: OnMissing): OnMissing {
  if (value === undefined) return fallback;
  if (value === 'fail' || value === 'warn') return value;
  throw new ReleaseError('USAGE', `${flag} must be fail or warn, not ${JSON.stringify(value)}.`, { hint: `e.g. ${flag} warn` });
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseCli(argv, OPTIONS, 'attestation-map');
  if (values.help) {
    writeStdout(HELP);
    return 0;
  }
  const env = process.env;
  const logger = keepingWarnings(createLogger());
  const sha = values.sha ?? env.GITHUB_SHA;
  const repository = values.repo ?? env.GITHUB_REPOSITORY;
  if (!sha || !/^[0-9a-f]{7,64}$/i.test(sha))
    throw new ReleaseError('USAGE', `--sha must be a commit SHA${sha ? `, not ${JSON.stringify(sha)}` : ''}.`, {
      hint: 'pass --sha <commit> or set GITHUB_SHA',
    });
  const [owner, repo, extra] = (repository ?? '').split('/');
  if (!owner || !repo || extra !== undefined)
    throw new ReleaseError('USAGE', `--repo must be owner/name${repository ? `, not ${JSON.stringify(repository)}` : ''}.`, {
      hint: 'pass --repo owner/name or set GITHUB_REPOSITORY',
    });
  const maxBytes = values['max-bytes'] === undefined ? undefined : Number(values['max-bytes']);
  if (maxBytes !== undefined && !(Number.isInteger(maxBytes) && maxBytes > 0)) throw new ReleaseError('USAGE', `--max-bytes must be a positive integer.`);
  const onMissingPr = choice(values['on-missing-pr'], '--on-missing-pr', DEFAULT_ON_MISSING_PR);
  const onMissingMap = choice(values['on-missing-map'], '--on-missing-map', 'warn');
  const allowedAuthors = values['allowed-author']?.length ? values['allowed-author'] : ['github-actions[bot]'];
  const token = env.GITHUB_TOKEN ?? env.GH_TOKEN;
  registerSecret(token);
  const octokit = createGitHubClient({
    token,
    baseUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
    logger,
    userAgent: 'chart-release-attestation-map',
    env,
  });

  if (!values.charts) {
    // inspection: the pull request and its map, no lineage
    const pr = await findMergedPullRequest(octokit, { owner, repo, sha, baseBranch: values['base-branch'], logger });
    if (!pr && onMissingPr === 'fail') throw noPullRequestError(owner, repo, sha);
    const extracted = pr
      ? await extractAttestationMap(octokit, { owner, repo, pr, allowedAuthors, maxBytes, logger })
      : { warnings: [`commit ${sha} was not brought by a merged pull request`] };
    const approvedBy = pr ? await listApprovals(octokit, { owner, repo, pullNumber: pr.number }) : [];
    for (const w of extracted.warnings) logger.warn(w);
    if (values.json) {
      const { body: _body, ...pullRequest } = pr ?? { body: null };
      writeJson(
        cliReport({
          charts: Object.entries(extracted.map?.charts ?? {}).map(([name, entry]) => ({ name, ...entry })),
          warnings: logger.warnings,
          pullRequest: pr ? { ...pullRequest, approvedBy } : null,
          mapSource: extracted.source ?? null,
          map: extracted.map ?? null,
        }),
      );
    } else {
      writeStdout(
        pr
          ? `PR #${pr.number} ${JSON.stringify(pr.title)} merged into ${pr.baseRef} at ${pr.mergedAt}\n  ${pr.url}\n  approved by: ${approvedBy.map((a) => a.login).join(', ') || '(nobody)'}\n`
          : `no merged pull request for ${sha}\n`,
      );
      if (extracted.source) writeStdout(`map: ${extracted.source.kind} by ${extracted.source.author ?? '?'} (${extracted.source.url})\n`);
      for (const [chart, entry] of Object.entries(extracted.map?.charts ?? {}))
        writeStdout(`  ${chart}${entry.version ? ` ${entry.version}` : ''}: ${entry.attestations.map((a) => a.stage).join(', ') || '(no attestations)'}\n`);
    }
    return 0;
  }

  const charts = parseChartList(values.charts);
  const result = await collectLineage(octokit, {
    owner,
    repo,
    sha,
    charts,
    allowedAuthors,
    onMissingPr,
    onMissingMap,
    baseBranch: values['base-branch'],
    maxBytes,
    enrich: !values['no-enrich'],
    logger,
  });
  for (const w of result.warnings) logger.warn(w);
  const files = values.out && !values['dry-run'] ? await writeLineageFiles(values.out, result.lineages) : {};
  if (values.out && values['dry-run']) logger.info(`dry run: would write ${charts.map((c) => lineageFileName(c.name)).join(', ')} into ${values.out}`);
  if (values.json) {
    writeJson(cliReport({ charts: Object.values(result.lineages), warnings: logger.warnings, dryRun: values['dry-run'], files }));
  } else {
    const pr = result.pullRequest;
    writeStdout(pr ? `PR #${pr.number} (${pr.url})\n` : `no merged pull request for ${sha}\n`);
    for (const lineage of Object.values(result.lineages)) {
      const approvers = lineage.pullRequest?.approvedBy.map((a) => a.login).join(', ') || '-';
      writeStdout(
        `  ${lineage.chart} ${lineage.version}  attestations: ${lineage.attestations.length}  approved by: ${approvers}${files[lineage.chart] ? `  -> ${files[lineage.chart]}` : ''}\n`,
      );
    }
  }
  return 0;
}

await runCli('attestation-map', main);
