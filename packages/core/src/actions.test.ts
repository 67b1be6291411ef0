import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotation, appendStepSummary, setOutput } from './actions.ts';
import { AggregateReleaseError, formatErrorLine, ReleaseError } from './errors.ts';
import { writeUserFile } from './output.ts';
import { clearSecrets, registerSecret } from './redact.ts';

describe('GitHub Actions outputs', () => {
  it('writes multi-line outputs with a delimiter that values cannot forge', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gh-out-'));
    const env = { GITHUB_OUTPUT: join(dir, 'out'), GITHUB_STEP_SUMMARY: join(dir, 'summary') };
    expect(setOutput('charts', '["a","b"]\nEOF\nreleased=evil', env)).toBe(true);
    const text = await readFile(env.GITHUB_OUTPUT, 'utf8');
    const [header] = text.split('\n');
    const delimiter = header!.split('<<')[1]!;
    expect(delimiter).toMatch(/^ghadelimiter_/);
    expect(text.endsWith(`${delimiter}\n`)).toBe(true);
    appendStepSummary('| a |', env);
    expect(await readFile(env.GITHUB_STEP_SUMMARY, 'utf8')).toBe('| a |\n');
  });

  it('never writes a registered secret into the step summary, an output or a file for the user', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gh-out-'));
    const env = { GITHUB_OUTPUT: join(dir, 'out'), GITHUB_STEP_SUMMARY: join(dir, 'summary') };
    registerSecret('s3cr3t-registry-password');
    appendStepSummary('login with s3cr3t-registry-password and ghp_abcdefghijklmnopqrstuvwxyz0123456789', env);
    setOutput('x', 'token=s3cr3t-registry-password', env);
    await writeUserFile(join(dir, 'report.json'), '{"password": "s3cr3t-registry-password"}');
    for (const file of [env.GITHUB_STEP_SUMMARY, env.GITHUB_OUTPUT, join(dir, 'report.json')]) {
      const text = await readFile(file, 'utf8');
      expect(text).not.toContain('s3cr3t');
      expect(text).not.toContain('ghp_');
      expect(text).toContain('***');
    }
    clearSecrets();
  });

  it('does nothing outside Actions', () => {
    expect(setOutput('x', 'y', {})).toBe(false);
  });

  it('escapes annotation messages and properties', () => {
    expect(annotation('error', 'line1\nline2 100%', { file: 'charts/a,b/Chart.yaml', line: 3, title: 'a:b' })).toBe(
      '::error file=charts/a%2Cb/Chart.yaml,line=3,title=a%3Ab::line1%0Aline2 100%25',
    );
  });
});

describe('release errors', () => {
  it('name the chart, the file and the fix in one line', () => {
    const e = new ReleaseError('VERSION_NOT_BUMPED', 'version 1.0.0 was already released.', {
      chart: 'web-app',
      file: 'charts/web-app/Chart.yaml',
      hint: 'bump version in Chart.yaml.',
    });
    expect(formatErrorLine(e)).toBe(
      '[VERSION_NOT_BUMPED] web-app charts/web-app/Chart.yaml: version 1.0.0 was already released. Fix: bump version in Chart.yaml.',
    );
  });

  it('aggregate every problem with its own code', () => {
    const all = new AggregateReleaseError([
      new ReleaseError('CHART_YAML_INVALID', 'first.'),
      new ReleaseError('VERSION_NOT_BUMPED', 'second.', { chart: 'x' }),
    ]);
    expect(all.code).toBe('PREFLIGHT_FAILED');
    expect(all.message).toContain('2 problems found');
    expect(all.toJSON().errors.map((e) => e.code)).toEqual(['CHART_YAML_INVALID', 'VERSION_NOT_BUMPED']);
  });
});
