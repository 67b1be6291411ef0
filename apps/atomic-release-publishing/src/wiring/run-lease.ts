import type { Logger } from '@chart-release/core';
import { acquireLease, type Lease } from '@chart-release/github-release';
import type { ReleaseConfig } from '../config.ts';
import type { PlannedWrite } from '../stage.ts';
import { githubContext } from './clients.ts';

/**
 * Takes the repository's lease `key` in GitHub (see acquireLease) for a run that writes: held until `release()`,
 * renewed meanwhile, expiring by itself after a crash. How long to wait for another holder and how long a lease
 * lasts come from CHART_RELEASE_LEASE_WAIT_SECONDS (default 900) and CHART_RELEASE_LEASE_TTL_SECONDS (default 600).
 */
export async function takeRunLease(config: ReleaseConfig, env: NodeJS.ProcessEnv, logger: Logger, key: string, what: string): Promise<Lease> {
  const gh = githubContext(config, logger);
  const seconds = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return env[name] !== undefined && Number.isFinite(value) && value >= 0 ? value * 1000 : fallback * 1000;
  };
  // the tag object of the lease points at a commit GitHub has: the pushed one in Actions, else the default branch
  const commit = config.github.sha ?? (await defaultBranchHead(gh));
  return acquireLease({
    octokit: gh.octokit,
    repo: gh.repo,
    key,
    commit,
    holder: env.GITHUB_RUN_ID ? `run ${env.GITHUB_RUN_ID} attempt ${env.GITHUB_RUN_ATTEMPT ?? 1} pid ${process.pid}` : `pid ${process.pid}`,
    runUrl: config.github.runUrl,
    ttlMs: seconds('CHART_RELEASE_LEASE_TTL_SECONDS', 600),
    waitMs: seconds('CHART_RELEASE_LEASE_WAIT_SECONDS', 900),
    what,
    logger,
  });
}

async function defaultBranchHead(gh: ReturnType<typeof githubContext>): Promise<string> {
  const { data: repo } = await gh.octokit.rest.repos.get({ ...gh.repo });
  const { data: ref } = await gh.octokit.rest.git.getRef({ ...gh.repo, ref: `heads/${repo.default_branch}` });
  return ref.object.sha;
}

/**
 * The writes of taking, renewing and giving back the lease `key`: its tag objects and its ref (created, moved, the
 * previous generations deleted), as acquireLease makes them.
 */
export function leaseWrites(key: string): PlannedWrite[] {
  return [
    { stage: 'lease', system: 'github', kind: 'tag-object', target: `lease-${key}` },
    { stage: 'lease', system: 'github', kind: 'ref', target: `refs/chart-release/leases/${key}/<generation>` },
  ];
}
