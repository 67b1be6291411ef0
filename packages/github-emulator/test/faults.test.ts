import { Octokit } from '@octokit/rest';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { afterEach, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type GitHubEmulator, type StartGitHubEmulatorOptions } from '../src/index.ts';
import { chartRepoSeed, octokitFor, OWNER, quiet, REPO } from './fixtures.ts';

const repo = { owner: OWNER, repo: REPO };
const RetryingOctokit = Octokit.plugin(retry);
const ThrottledOctokit = Octokit.plugin(throttling);
let emulator: GitHubEmulator | undefined;

async function start(options: StartGitHubEmulatorOptions = {}): Promise<GitHubEmulator> {
  emulator = await startGitHubEmulator({ seed: chartRepoSeed(), ...options });
  return emulator;
}

afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

/** Octokit with the retry plugin, waiting milliseconds where it would wait seconds. */
function retrying(github: GitHubEmulator) {
  return new RetryingOctokit({ baseUrl: github.url, auth: github.token, log: quiet, retry: { retryAfterBaseValue: 5 } });
}

/**
 * Octokit with the throttling plugin, waiting milliseconds where GitHub asks for seconds (the plugin serialises
 * writes a second apart, so these tests read).
 */
function throttled(github: GitHubEmulator, events: string[], retryAfterBaseValue = 5) {
  return new ThrottledOctokit({
    baseUrl: github.url,
    auth: github.token,
    log: quiet,
    throttle: {
      retryAfterBaseValue,
      onRateLimit: (retryAfter: number) => {
        events.push(`rate-limit ${retryAfter}`);
        return true;
      },
      onSecondaryRateLimit: (retryAfter: number) => {
        events.push(`secondary ${retryAfter}`);
        return true;
      },
    },
  });
}

describe('server errors', () => {
  it('the retry plugin recovers from injected 5xx responses', async () => {
    const github = await start({ faults: { failNext: 2, errorStatuses: [502, 503] } });
    const { data, status } = await retrying(github).repos.createRelease({ ...repo, tag_name: 'app-v1.0.0' });
    expect(status).toBe(201);
    expect(data.tag_name).toBe('app-v1.0.0');
    expect(github.requests.map((r) => [r.status, r.fault])).toEqual([
      [502, 'server-error'],
      [503, 'server-error'],
      [201, undefined],
    ]);
    expect(github.state.repos[0]!.releases).toHaveLength(1);
  });

  it('a client without retries sees the 5xx', async () => {
    const github = await start({ faults: { failNext: 1 } });
    await expect(octokitFor(github).repos.get(repo)).rejects.toMatchObject({ status: 502 });
    expect((await octokitFor(github).repos.get(repo)).status).toBe(200);
  });

  it('a seeded error rate fails the same requests every run', async () => {
    const statuses = async () => {
      const github = await startGitHubEmulator({ seed: chartRepoSeed(), faults: { errorRate: 0.5, seed: 42 } });
      const octokit = octokitFor(github);
      const seen: number[] = [];
      for (let i = 0; i < 12; i++)
        seen.push(
          await octokit.repos.get(repo).then(
            (r) => r.status,
            (e: { status: number }) => e.status,
          ),
        );
      await github.stop();
      return seen;
    };
    const first = await statuses();
    expect(first).toContain(502);
    expect(first).toContain(200);
    expect(await statuses()).toEqual(first);
  });

  it('targets only the routes named, by operation id or by method and path template', async () => {
    const github = await start({ faults: { failNext: 5, routes: ['POST /repos/{owner}/{repo}/releases'] } });
    const octokit = octokitFor(github);
    expect((await octokit.repos.get(repo)).status).toBe(200);
    await expect(octokit.repos.createRelease({ ...repo, tag_name: 'app-v1.0.0' })).rejects.toMatchObject({ status: 502 });
    github.setFaults({ failNext: 1, routes: ['repos/get-release-by-tag'] });
    expect((await octokit.repos.createRelease({ ...repo, tag_name: 'app-v1.0.0' })).status).toBe(201);
    await expect(octokit.repos.getReleaseByTag({ ...repo, tag: 'app-v1.0.0' })).rejects.toMatchObject({ status: 502 });
  });

  it('adds latency without changing answers', async () => {
    const github = await start({ latencyMs: 5, faults: { latencyMs: 5 } });
    expect((await octokitFor(github).repos.get(repo)).status).toBe(200);
  });
});

describe('rate limits', () => {
  it('the throttling plugin recovers from a secondary rate limit (403 with retry-after)', async () => {
    const github = await start({ faults: { secondaryRateLimit: { next: 2, retryAfter: 3 } } });
    const events: string[] = [];
    const { status } = await throttled(github, events)
      .repos.getLatestRelease(repo)
      .catch((e: { status: number }) => e);
    expect(status).toBe(404); // no release yet: the answer after the limits, not the limit itself
    expect(events).toEqual(['secondary 3', 'secondary 3']);
    const limited = github.requests.filter((r) => r.fault === 'secondary-rate-limit');
    expect(limited.map((r) => r.status)).toEqual([403, 403]);
  });

  it("sends GitHub's secondary rate limit message, with 429 when asked", async () => {
    const github = await start({ faults: { secondaryRateLimit: { next: 1, retryAfter: 7, status: 429 } } });
    const response = await fetch(`${github.url}/repos/${OWNER}/${REPO}`);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('7');
    expect(((await response.json()) as { message: string }).message).toMatch(/You have exceeded a secondary rate limit/);
    const events: string[] = [];
    github.setFaults({ secondaryRateLimit: { next: 1, retryAfter: 1, status: 429 } });
    expect((await throttled(github, events).repos.get(repo)).status).toBe(200);
    expect(events).toEqual(['secondary 1']);
  });

  it('reports the primary rate limit in x-ratelimit headers and answers 403 when it is spent', async () => {
    const github = await start({ rateLimit: { limit: 2, windowSeconds: 3600 } });
    const octokit = octokitFor(github);
    const first = await octokit.repos.get(repo);
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1', 'x-ratelimit-used': '1', 'x-ratelimit-resource': 'core' });
    expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThan(Date.now() / 1000);
    expect((await octokit.repos.get(repo)).headers['x-ratelimit-remaining']).toBe('0');
    const error = await octokit.repos.get(repo).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403, response: { headers: { 'x-ratelimit-remaining': '0' } } });
    expect((error as { response: { data: { message: string } } }).response.data.message).toMatch(/^API rate limit exceeded/);
    // GET /rate_limit reports the same budget and does not count against it
    const { data: limits } = await octokit.rateLimit.get();
    expect(limits.resources.core).toMatchObject({ limit: 2, remaining: 0, used: 2 });
    expect(limits.rate).toEqual(limits.resources.core);
  });

  it('the throttling plugin waits for the primary rate limit to reset and retries', async () => {
    const github = await start({ rateLimit: { limit: 1, windowSeconds: 1 } });
    const events: string[] = [];
    // real seconds here: the retry has to land after the emulator's window resets
    const octokit = throttled(github, events, 1000);
    expect((await octokit.repos.get(repo)).status).toBe(200);
    expect((await octokit.repos.get(repo)).status).toBe(200);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatch(/^rate-limit [1-3]$/);
    expect(github.requests.map((r) => r.status)).toEqual([200, 403, 200]);
  });
});
