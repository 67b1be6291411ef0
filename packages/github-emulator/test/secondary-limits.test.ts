import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { afterEach, describe, expect, it } from 'vitest';
import { createGitHubClient, WriteBudget, writeBudgetDuration } from '@chart-release/github-client';
import { startGitHubEmulator, type GitHubEmulator } from '../src/index.ts';
import { chartRepoSeed, octokitFor, OWNER, quiet, REPO } from './fixtures.ts';

let emulator: GitHubEmulator | undefined;
afterEach(async () => {
  await emulator?.stop();
  expect(emulator?.schemaViolations).toEqual([]);
});

const limited = (e: GitHubEmulator) => e.requests.filter((r) => r.fault === 'secondary-rate-limit');

describe("GitHub's secondary limits", () => {
  it('are off by default', async () => {
    emulator = await startGitHubEmulator({ seed: chartRepoSeed() });
    const octokit = octokitFor(emulator);
    await Promise.all(Array.from({ length: 90 }, (_, i) => octokit.git.createRef({ owner: OWNER, repo: REPO, ref: `refs/heads/b${i}`, sha: 'b'.repeat(40) })));
    expect(limited(emulator)).toEqual([]);
  });

  it('refuse the 81st content-creating request in a minute with 403, the message and Retry-After', async () => {
    emulator = await startGitHubEmulator({ seed: chartRepoSeed(), secondaryLimits: true });
    const octokit = octokitFor(emulator);
    for (let i = 0; i < 80; i++) await octokit.git.createRef({ owner: OWNER, repo: REPO, ref: `refs/heads/b${i}`, sha: 'b'.repeat(40) });
    const refused = await fetch(`${emulator.url}/repos/${OWNER}/${REPO}/git/refs`, {
      method: 'POST',
      headers: { authorization: `token ${emulator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ref: 'refs/heads/over', sha: 'b'.repeat(40) }),
    });
    expect(refused.status).toBe(403);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(((await refused.json()) as { message: string }).message).toBe(
      'You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.',
    );
    // the primary limit's headers come along, with requests remaining: the answer is no primary limit
    expect(Number(refused.headers.get('x-ratelimit-remaining'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    // reads are not content-creating
    expect((await octokit.git.getRef({ owner: OWNER, repo: REPO, ref: 'heads/b0' })).status).toBe(200);
    expect(limited(emulator)).toHaveLength(1);
  });

  it('with a time scale, a client honouring Retry-After gets through once the window has moved on', async () => {
    // 20x: the limit minute lasts three real seconds
    emulator = await startGitHubEmulator({ seed: chartRepoSeed(), secondaryLimits: { writesPerMinute: 2, timeScale: 20 } });
    const Throttled = Octokit.plugin(throttling);
    const client = new Throttled({
      baseUrl: emulator.url,
      auth: emulator.token,
      log: quiet,
      throttle: { onRateLimit: () => false, onSecondaryRateLimit: (_after, _options, _octokit, retryCount) => retryCount < 3 },
    });
    for (let i = 0; i < 3; i++)
      expect((await client.git.createRef({ owner: OWNER, repo: REPO, ref: `refs/heads/w${i}`, sha: 'b'.repeat(40) })).status).toBe(201);
    expect(limited(emulator).length).toBeGreaterThanOrEqual(1);
    expect(emulator.requests.filter((r) => r.status === 201)).toHaveLength(3);
  });

  it('limit the requests of one token in flight at once', async () => {
    emulator = await startGitHubEmulator({ seed: chartRepoSeed(), latencyMs: 1000, secondaryLimits: { concurrency: 2, status: 429 } });
    const octokit = octokitFor(emulator);
    const results = await Promise.all(Array.from({ length: 3 }, () => octokit.repos.get({ owner: OWNER, repo: REPO }).catch((e: { status: number }) => e)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 429]);
    const refused = results.find((r) => r.status === 429) as unknown as { response: { data: { message: string }; headers: Record<string, string> } };
    expect(refused.response.data.message).toMatch(/^You have exceeded a secondary rate limit\. Please wait a few minutes .* request ID [0-9A-F:]+\.$/);
    expect(refused.response.headers['retry-after']).toBe('1');
    expect(limited(emulator)).toHaveLength(1);
  });

  it('are never hit by a github-client on the write budget, at the same time scale, and cost only the time the budget allows', async () => {
    // 3600x: the limit hour lasts one real second; 50 writes an hour so that 120 writes span three of them
    const limits = { writesPerMinute: 20, writesPerHour: 50, timeScale: 3600 };
    emulator = await startGitHubEmulator({ seed: chartRepoSeed(), secondaryLimits: limits });
    const budget = new WriteBudget({ limits: { perMinute: 20, perHour: 50 }, timeScale: 3600 });
    const client = createGitHubClient({ token: emulator.token, baseUrl: emulator.url, throttle: { writeBudget: budget } });
    const started = performance.now();
    await Promise.all(Array.from({ length: 120 }, (_, i) => client.git.createRef({ owner: OWNER, repo: REPO, ref: `refs/heads/w${i}`, sha: 'b'.repeat(40) })));
    const took = performance.now() - started;
    expect(limited(emulator)).toEqual([]);
    expect(emulator.requests.filter((r) => r.status === 201)).toHaveLength(120);
    expect(budget.started).toBe(120);
    expect(took).toBeGreaterThanOrEqual(writeBudgetDuration(120, { perMinute: 20, perHour: 50, minIntervalMs: 1000 }) / 3600);
  });
});
