import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isErrorCode } from '@chart-release/core';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The CLI convention of CONTRIBUTING.md ("One CLI convention"), checked on every bin of the workspace as a user runs it.
const root = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
const BINS = execFileSync(process.execPath, [join(root, 'scripts/link-bins.ts'), '--list'], { encoding: 'utf8' })
  .trim()
  .split('\n');

/** `<bin> -> src/cli.ts` from each workspace package's `bin`, as scripts/link-bins.ts links them. */
async function binSources(): Promise<Map<string, string>> {
  const sources = new Map<string, string>();
  for (const dir of execFileSync('git', ['ls-files', 'packages/*/package.json', 'apps/*/package.json'], { cwd: root, encoding: 'utf8' }).trim().split('\n')) {
    const pkg = JSON.parse(await readFile(join(root, dir), 'utf8')) as { bin?: Record<string, string> };
    for (const [bin, target] of Object.entries(pkg.bin ?? {}))
      sources.set(bin, join(root, dir, '..', target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')));
  }
  return sources;
}

let work: string;
let sources: Map<string, string>;
const DIGEST = `sha256:${'a'.repeat(64)}`;

/** A command line of each bin (or sub-command) that fails on its input, not on its flags, with the code it gets. */
const failing = (bin: string): { args: string[]; exit: number } => {
  switch (bin) {
    case 'changed-charts':
      return { args: ['--cwd', work], exit: 1 }; // NOT_A_GIT_REPOSITORY
    case 'chart-push':
      return { args: [join(work, 'bad.tgz'), '--registry', 'oci://127.0.0.1:9/charts', '--plain-http'], exit: 1 }; // CHART_ARCHIVE_INVALID
    case 'chart-sign':
      return { args: ['verify', `127.0.0.1:9/charts/web@${DIGEST}`, '--certificate-identity', 'x', '--certificate-oidc-issuer', 'y', '--plain-http'], exit: 1 };
    case 'attestation-map':
      return { args: ['--sha', 'abc1234', '--repo', 'acme/charts', '--charts', 'not a chart list'], exit: 2 }; // USAGE
    case 'chart-github-release':
      return { args: ['--chart-dir', work, '--package', 'x.tgz', '--digest', 'sha256:short', '--registry', 'oci://r/x', '--repo', 'acme/charts'], exit: 1 };
    case 'github-emulator':
      return { args: ['--seed', join(work, 'missing.json')], exit: 1 }; // EMULATOR_SEED_UNREADABLE
    case 'chart-release-testkit':
      return { args: ['registry', '--port', 'eighty'], exit: 2 }; // a bad port is a usage error
    case 'chart-release':
      return { args: ['verify', join(work, 'missing-manifest.json')], exit: 1 }; // RELEASE_MANIFEST_INVALID
    default:
      throw new Error(`no failing input for the new bin ${bin}: add one here`);
  }
};

/** `chart-release` and its commands each have their own --help and flags. */
const COMMANDS: Record<string, string[][]> = {
  'chart-release': [[], ['publish'], ['plan'], ['finalize'], ['verify'], ['manifest', 'generate'], ['promote'], ['rollback'], ['index']],
};
const commandsOf = (bin: string) => COMMANDS[bin] ?? [[]];

function run(bin: string, args: string[]) {
  return execa(process.execPath, ['--conditions=@chart-release/source', sources.get(bin)!, ...args], {
    cwd: work,
    reject: false,
    timeout: 60_000,
    env: { GITHUB_ACTIONS: '', GITHUB_REPOSITORY: '', GITHUB_TOKEN: '', GITHUB_API_URL: 'http://127.0.0.1:9', GITHUB_EVENT_PATH: '', GITHUB_SHA: '' },
  });
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'cli-convention-'));
  await writeFile(join(work, 'bad.tgz'), 'not a chart\n');
  sources = await binSources();
});
afterAll(() => rm(work, { recursive: true, force: true }));

describe.concurrent('the CLI convention', () => {
  it('covers every bin of the workspace, each run from its src/cli.ts', () => {
    expect(BINS.length).toBeGreaterThanOrEqual(8);
    for (const bin of BINS) expect(existsSync(sources.get(bin) ?? ''), bin).toBe(true);
  });

  describe.each(BINS)('%s', (bin) => {
    it.each(commandsOf(bin).map((c) => [c.join(' ') || '(top level)', c]))('--help of %s: usage, options, exit codes; exit 0', async (_name, command) => {
      const r = await run(bin, [...command, '--help']);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout.startsWith(`${[bin, ...command].join(' ')}: `)).toBe(true);
      const headings = r.stdout.split('\n').filter((l) => /^\S.*:$/.test(l));
      expect(headings[0]).toBe('Usage:');
      expect(headings).toContain('Options:');
      expect(headings.at(-1)).toBe('Exit codes:');
      expect(r.stdout).toMatch(/^ {2,}--json\b/m);
      expect(r.stdout).toMatch(/^ {2,}-h, --help\b/m);
      const exitCodes = r.stdout.slice(r.stdout.lastIndexOf('Exit codes:\n'));
      for (const code of [0, 1, 2, 70]) expect(exitCodes).toMatch(new RegExp(`^ {2}${code} +\\S`, 'm'));
    });

    it.each(commandsOf(bin).map((c) => [c.join(' ') || '(top level)', c]))(
      'a mistyped flag of %s is a usage error (exit 2) with "did you mean", in the shared JSON shape',
      async (_name, command) => {
        // the top level of chart-release takes a command first, so it gets an unknown one
        const typo = bin === 'chart-release' && command.length === 0 ? 'pubilsh' : '--jsonn';
        const r = await run(bin, [...command, typo, '--json']);
        expect(r.exitCode, r.stderr).toBe(2);
        expect(JSON.parse(r.stdout)).toEqual({
          ok: false,
          charts: [],
          errors: [expect.objectContaining({ code: 'USAGE', hint: expect.any(String) })],
          warnings: [],
        });
        expect(r.stderr).toMatch(
          new RegExp(`^${bin.replace(/-/g, '\\-')}(?: [a-z ]+)?: \\[USAGE\\] unknown (flag|command) .*\\(did you mean (--json|publish)\\?\\)\\. Fix: `),
        );
        expect(r.stderr).not.toContain('    at ');
      },
    );

    it('--json on a failing input: {ok: false, charts, errors, warnings}, a catalogued code, one error line, no stack', async () => {
      const { args, exit } = failing(bin);
      const r = await run(bin, [...args, '--json']);
      expect(r.exitCode, r.stderr).toBe(exit);
      const report = JSON.parse(r.stdout) as { ok: boolean; charts: unknown[]; errors: { code: string; message: string; hint?: string }[]; warnings: string[] };
      expect(Object.keys(report).slice(0, 4)).toEqual(['ok', 'charts', 'errors', 'warnings']);
      expect(report.ok).toBe(false);
      expect(Array.isArray(report.charts) && Array.isArray(report.warnings)).toBe(true);
      expect(report.errors.length).toBeGreaterThan(0);
      for (const e of report.errors) {
        expect(isErrorCode(e.code), e.code).toBe(true);
        expect(e.code).not.toBe('INTERNAL');
        expect(e.message.length).toBeGreaterThan(0);
        expect(e.hint?.length, `${e.code} has a fix`).toBeGreaterThan(0);
      }
      expect(r.stderr).toContain(`${bin}: [${report.errors[0]!.code}] `);
      expect(r.stderr).toContain(' Fix: ');
      expect(r.stderr).not.toContain('    at ');
    });
  });

  it.each([
    [['publish', '--chart', 'web-app'], '--chart goes with --phase prepare'],
    [['publish', '--out', 'legs'], '--out goes with --phase prepare'],
    [['publish', '--phase', 'legs'], "--phase must be 'publish', 'prepare' or 'all'"],
    [['finalize'], 'missing --from'],
  ])('the matrix flags: chart-release %j is a usage error in the shared JSON shape', async (args, message) => {
    const r = await run('chart-release', [...args, '--json']);
    expect(r.exitCode, r.stderr).toBe(2);
    const report = JSON.parse(r.stdout) as { ok: boolean; errors: { code: string; message: string; hint?: string }[] };
    expect(report).toMatchObject({ ok: false, errors: [{ code: 'USAGE', message: expect.stringContaining(message), hint: expect.any(String) }] });
  });

  it('the matrix flags are in the help: publish --chart, --phase prepare, --out; finalize --from and --dry-run', async () => {
    const publish = (await run('chart-release', ['publish', '--help'])).stdout;
    for (const flag of ['--chart <name>', '--phase prepare', '--out <dir>']) expect(publish).toContain(flag);
    const finalize = (await run('chart-release', ['finalize', '--help'])).stdout;
    for (const flag of ['--from <dir>', '--dry-run', '--keep-drafts']) expect(finalize).toContain(flag);
    expect((await run('chart-release', ['--help'])).stdout).toMatch(/^ {2}finalize {2,}\S/m);
  });

  it('answers no command with its help and exit 2, and an inherited property name as an unknown command', async () => {
    const none = await run('chart-release', []);
    expect(none.exitCode).toBe(2);
    expect(none.stdout.startsWith('chart-release: ')).toBe(true);
    const r = await run('chart-release', ['constructor', '--json']);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, errors: [{ code: 'USAGE', message: expect.stringContaining("unknown command 'constructor'") }] });
  });

  it('keeps an old flag name working, with a deprecation warning (testkit --user)', async () => {
    const r = await run('chart-release-testkit', ['registry', '--user', 'ci', '--port', 'eighty', '--json']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--user is deprecated; use --username.');
    expect(JSON.parse(r.stdout).errors[0].message).toContain('--port must be a port number');
  });
});
