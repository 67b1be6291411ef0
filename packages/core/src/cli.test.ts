import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { closestFlag, parseCli } from './cli.ts';

const OPTIONS = { username: { type: 'string' }, registry: { type: 'string' }, 'dry-run': { type: 'boolean' } } as const;

describe('parseCli', () => {
  it('answers a typo with the flag it most likely meant, not parseArgs text', () => {
    expect(() => parseCli(['--usr', 'me'], OPTIONS, 'oci push')).toThrow(
      expect.objectContaining({ code: 'USAGE', message: 'unknown flag --usr (did you mean --username?).', hint: "run 'oci push --help' for the options" }),
    );
    expect(() => parseCli(['--dryrun'], OPTIONS, 'x')).toThrow(expect.objectContaining({ message: 'unknown flag --dryrun (did you mean --dry-run?).' }));
    expect(() => parseCli(['--frobnicate'], OPTIONS, 'x')).toThrow(expect.objectContaining({ message: 'unknown flag --frobnicate.' }));
  });

  it('names a flag that lacks its value', () => {
    expect(() => parseCli(['--registry'], OPTIONS, 'x')).toThrow(expect.objectContaining({ code: 'USAGE', message: '--registry needs a value.' }));
  });

  it('accepts an old flag name as an alias of the new one, with a deprecation warning', () => {
    const { values } = parseCli(['--user', 'me'], OPTIONS, 'x', { aliases: { user: 'username' } });
    expect(values.username).toBe('me');
    expect('user' in values).toBe(false);
  });

  it('finds prefixes and near misses only', () => {
    expect(closestFlag('user', ['username', 'json'])).toBe('username');
    expect(closestFlag('jsno', ['username', 'json'])).toBe('json');
    expect(closestFlag('zzzzzz', ['username', 'json'])).toBeUndefined();
  });
});

describe('runCli in GitHub Actions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'core-cli-'));
  const script = join(dir, 'fails.ts');
  writeFileSync(
    script,
    `import { runCli, ReleaseError } from ${JSON.stringify(join(import.meta.dirname, 'index.ts'))};
await runCli('fails', async () => { throw new ReleaseError('CONFIG_INVALID', 'bad value.', { file: 'charts/web/values.yaml', line: 3 }); });
`,
  );
  const node = execFileSync('node', ['-p', 'process.execPath'], { encoding: 'utf8' }).trim();

  it('keeps --json stdout valid JSON, with the annotation on stderr', () => {
    const run = spawnSync(node, [script, '--json'], { encoding: 'utf8', env: { ...process.env, GITHUB_ACTIONS: 'true' } });
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      charts: [],
      errors: [expect.objectContaining({ code: 'CONFIG_INVALID', file: 'charts/web/values.yaml', line: 3, hint: expect.any(String) })],
      warnings: [],
    });
    expect(run.stderr).toContain('fails: [CONFIG_INVALID] charts/web/values.yaml:3: bad value. Fix: ');
    expect(run.stderr).toContain('::error file=charts/web/values.yaml,line=3,title=CONFIG_INVALID::[CONFIG_INVALID]');
  });
});
