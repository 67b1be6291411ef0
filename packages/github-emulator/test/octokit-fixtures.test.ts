import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGitHubEmulator, type EmulatorSeed, type GitHubEmulator } from '../src/index.ts';

/**
 * Replays the api.github.com recordings of `@octokit/fixtures` against the emulator: each served scenario's
 * requests in order, comparing the status, the headers a client reads and the shape of the body with what GitHub
 * answered. Recorded ids (normalised to 1000, 1001, ...) are mapped to the emulator's as responses name them.
 */
interface Recorded {
  scope: string;
  method: string;
  path: string;
  body: unknown;
  status: number;
  response: unknown;
  reqheaders: Record<string, string | number>;
  headers: Record<string, string | number>;
}

const ORG = 'octokit-fixture-org';
const SHA = (n: number) => String(n).padStart(40, '0');
const root = join(dirname(createRequire(import.meta.url).resolve('@octokit/fixtures/package.json')), 'scenarios', 'api.github.com');

/** What each served scenario needs to exist before it starts, as it existed on GitHub when it was recorded. */
const SERVED: Record<string, EmulatorSeed> = {
  'git-refs': {
    repos: [
      {
        owner: ORG,
        name: 'git-refs',
        commits: [
          { sha: SHA(2), message: 'Initial commit' },
          { sha: SHA(1), message: 'Second commit' },
        ],
      },
    ],
  },
  'release-assets': { repos: [{ owner: ORG, name: 'release-assets', releases: [{ tag_name: 'v1.0.0', name: 'v1.0.0' }] }] },
  'release-assets-conflict': {
    repos: [
      {
        owner: ORG,
        name: 'release-assets-conflict',
        releases: [{ tag_name: 'v1.0.0', name: 'v1.0.0', assets: [{ name: 'test-upload.txt', label: 'test', content: 'Hello, world!\n' }] }],
      },
    ],
  },
  'create-file': { repos: [{ owner: ORG, name: 'create-file' }] },
  'get-content': {
    users: [{ login: ORG, type: 'Organization' }],
    repos: [{ owner: ORG, name: 'hello-world', commits: [{ message: 'Initial commit', files: { 'README.md': '# hello-world' } }] }],
  },
  'get-repository': { users: [{ login: ORG, type: 'Organization' }], repos: [{ owner: ORG, name: 'hello-world' }] },
};

/** The headers a client reads, by presence (values differ by time and id). */
const CLIENT_HEADERS = [
  'link',
  'location',
  'etag',
  'last-modified',
  'x-ratelimit-limit',
  'x-ratelimit-remaining',
  'x-ratelimit-reset',
  'x-oauth-scopes',
  'x-accepted-oauth-scopes',
  'x-github-request-id',
  'x-github-media-type',
];

/** Where the recording and the emulator disagree in shape: `path: expected type, got type`. Extra emulator fields are fine. */
function shapeDifferences(recorded: unknown, actual: unknown, path = '$'): string[] {
  const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
  if (kind(recorded) !== kind(actual)) return kind(recorded) === 'null' || kind(actual) === 'null' ? [] : [`${path}: ${kind(recorded)}, got ${kind(actual)}`];
  if (Array.isArray(recorded))
    return recorded.length && (actual as unknown[]).length ? shapeDifferences(recorded[0], (actual as unknown[])[0], `${path}[0]`) : [];
  if (kind(recorded) !== 'object') return [];
  const a = actual as Record<string, unknown>;
  return Object.entries(recorded as Record<string, unknown>).flatMap(([key, value]) =>
    key in a ? shapeDifferences(value, a[key], `${path}.${key}`) : [`${path}.${key}: missing`],
  );
}

/** `releases/1000` -> `releases/7`: the recorded ids in API URLs (by the segment before them), as the emulator numbers them. */
function learnIds(recorded: unknown, actual: unknown, ids: Map<string, string>): void {
  if (Array.isArray(recorded) && Array.isArray(actual)) recorded.forEach((r, i) => learnIds(r, actual[i], ids));
  else if (recorded && actual && typeof recorded === 'object' && typeof actual === 'object') {
    for (const [key, value] of Object.entries(recorded)) {
      const other = (actual as Record<string, unknown>)[key];
      if (key === 'url' && typeof value === 'string' && typeof other === 'string') {
        const [from, to] = [new URL(value).pathname.split('/'), new URL(other).pathname.split('/')];
        if (from.length === to.length) from.forEach((segment, i) => /^\d+$/.test(segment) && ids.set(`${from[i - 1]}/${segment}`, to[i]!));
      } else learnIds(value, other, ids);
    }
  }
}

function scenario(name: string): Recorded[] {
  return JSON.parse(readFileSync(join(root, name, 'normalized-fixture.json'), 'utf8')) as Recorded[];
}

const unserved = readdirSync(root).filter((name) => !(name in SERVED));
let emulator: GitHubEmulator;

beforeAll(async () => {
  emulator = await startGitHubEmulator({ token: SHA(1), login: 'octokit-fixture-user-a' });
});
afterAll(async () => {
  await emulator?.stop();
  expect(emulator.schemaViolations).toEqual([]);
});

describe('the recorded api.github.com scenarios of @octokit/fixtures', () => {
  it('lists the scenarios the emulator does not serve', () => {
    console.log(`@octokit/fixtures scenarios not served by the emulator (${unserved.length}): ${unserved.join(', ')}`);
    expect(unserved).not.toContain('release-assets');
    expect(Object.keys(SERVED).every((name) => readdirSync(root).includes(name))).toBe(true);
  });

  for (const name of Object.keys(SERVED)) {
    it(`replays ${name} with GitHub's statuses, client headers and body shapes`, async () => {
      emulator.reset();
      emulator.seed(SERVED[name]!);
      const ids = new Map<string, string>();
      const differences: string[] = [];
      for (const [i, step] of scenario(name).entries()) {
        const origin = step.scope.startsWith('https://uploads.') ? emulator.uploadsUrl : emulator.url;
        const path = step.path.replace(/\/([\w-]+)\/(\d+)(?=\/|\?|$)/g, (whole, before: string, id: string) =>
          ids.has(`${before}/${id}`) ? `/${before}/${ids.get(`${before}/${id}`)}` : whole,
        );
        const headers: Record<string, string> = { authorization: `token ${SHA(1)}` };
        for (const key of ['accept', 'content-type']) if (step.reqheaders[key] !== undefined) headers[key] = String(step.reqheaders[key]);
        const body = step.body === '' || step.body === undefined ? undefined : typeof step.body === 'string' ? step.body : JSON.stringify(step.body);
        const response = await fetch(`${origin}${path}`, { method: step.method.toUpperCase(), headers, body, redirect: 'manual' });
        const text = await response.text();
        const label = `${name} #${i} ${step.method.toUpperCase()} ${step.path}`;
        if (response.status !== step.status) differences.push(`${label}: status ${response.status} (${text.slice(0, 200)}), GitHub ${step.status}`);
        for (const header of CLIENT_HEADERS) {
          if (step.headers[header] !== undefined && !response.headers.has(header)) differences.push(`${label}: no ${header} header`);
        }
        const type = (v: unknown) => String(v ?? '').split(';')[0];
        if (step.headers['content-type'] !== undefined && type(step.headers['content-type']) !== type(response.headers.get('content-type'))) {
          differences.push(`${label}: content-type ${response.headers.get('content-type')}, GitHub ${step.headers['content-type']}`);
        }
        if (typeof step.response === 'object' && step.response !== null) {
          const actual = JSON.parse(text) as unknown;
          differences.push(...shapeDifferences(step.response, actual).map((d) => `${label}: ${d}`));
          learnIds(step.response, actual, ids);
        } else if (typeof step.response === 'string' && step.response !== '') {
          if (text !== step.response) differences.push(`${label}: body ${JSON.stringify(text)}, GitHub ${JSON.stringify(step.response)}`);
        }
      }
      expect(differences).toEqual([]);
    });
  }
});
