import { describe, expect, it } from 'vitest';
import { actionArgv, readActionInputs, splitArgs } from './action-inputs.ts';

const inputs = (over: Record<string, string> = {}) => readActionInputs({ INPUT_COMMAND: 'publish', ...over });

describe('the Action maps its inputs to the CLI', () => {
  it('reads inputs by the runner names (hyphens kept) and by the underscore spelling', () => {
    expect(readActionInputs({ 'INPUT_CHART-DIRS': 'charts, more', INPUT_KEEP_DRAFTS: 'true' })).toMatchObject({
      chartDirs: 'charts, more',
      keepDrafts: 'true',
    });
  });

  it('passes publish options, one --chart-dir per folder, and leaves unset inputs to the config file', () => {
    const { command, argv } = actionArgv(
      inputs({
        'INPUT_CHART-DIRS': 'charts, platform/charts',
        INPUT_REGISTRY: 'oci://ghcr.io/acme/charts',
        'INPUT_PLAIN-HTTP': 'false',
        'INPUT_DRY-RUN': 'true',
      }),
    );
    expect(command).toBe('publish');
    expect(argv).toEqual(['--registry', 'oci://ghcr.io/acme/charts', '--chart-dir', 'charts', '--chart-dir', 'platform/charts', '--dry-run']);
  });

  it('gives promote only the options it takes, then args', () => {
    const { argv } = actionArgv(
      inputs({ INPUT_COMMAND: 'promote', 'INPUT_CHART-DIRS': 'charts', INPUT_BASE: 'abc', INPUT_ARGS: '--chart web --version 1.2.0 --to stable' }),
    );
    expect(argv).toEqual(['--chart', 'web', '--version', '1.2.0', '--to', 'stable']);
  });

  it('runs a matrix leg and finalize as the reusable workflow calls them: the range of the plan, then args', () => {
    const range = { INPUT_BASE: 'b'.repeat(40), INPUT_HEAD: 'h'.repeat(40), INPUT_CONCURRENCY: '2' };
    const legArgs = actionArgv(inputs({ ...range, INPUT_ARGS: '--chart billing --phase prepare --out /tmp/leg' })).argv;
    expect(legArgs).toEqual([
      '--concurrency',
      '2',
      '--base',
      'b'.repeat(40),
      '--head',
      'h'.repeat(40),
      '--chart',
      'billing',
      '--phase',
      'prepare',
      '--out',
      '/tmp/leg',
    ]);
    const finalize = actionArgv(inputs({ ...range, INPUT_COMMAND: 'finalize', 'INPUT_KEEP-DRAFTS': 'true', INPUT_ARGS: '--from /tmp/legs' }));
    expect(finalize).toEqual({ command: 'finalize', argv: ['--base', 'b'.repeat(40), '--head', 'h'.repeat(40), '--keep-drafts', '--from', '/tmp/legs'] });
  });

  it('puts the manifest subcommand first', () => {
    expect(actionArgv(inputs({ INPUT_COMMAND: 'manifest', INPUT_ARGS: 'generate --json' })).argv).toEqual(['generate', '--json']);
  });

  it('rejects an unknown command and a non-boolean flag input with USAGE', () => {
    expect(() => actionArgv(inputs({ INPUT_COMMAND: 'deploy' }))).toThrow(/input 'command'/);
    expect(() => actionArgv(inputs({ 'INPUT_DRY-RUN': 'yes' }))).toThrow(/input 'dry-run'/);
  });

  it('splits args like a shell', () => {
    expect(splitArgs(`--to stable --identity "https://github.com/acme/charts/.github/workflows/release.yaml@refs/heads/release" --x 'a b' c\\ d`)).toEqual([
      '--to',
      'stable',
      '--identity',
      'https://github.com/acme/charts/.github/workflows/release.yaml@refs/heads/release',
      '--x',
      'a b',
      'c d',
    ]);
    expect(() => splitArgs('--to "stable')).toThrow(/unclosed/);
  });
});
