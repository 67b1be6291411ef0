import { describe, expect, it } from 'vitest';
import { cliReport } from './cli-report.ts';
import { formatHelp } from './help.ts';

describe('formatHelp', () => {
  it('lays out usage, options (with --json and --help), sections and the exit codes in one order', () => {
    const help = formatHelp({
      command: 'chart-x',
      summary: 'does x',
      usage: ['chart-x <chart>'],
      options: '  --registry <oci://..>  where charts go',
      sections: [{ title: 'Environment', body: '  GITHUB_TOKEN' }],
      exitCodes: { 3: 'some releases are still drafts' },
    });
    const headings = help.split('\n').filter((l) => /^[A-Z][a-z ]+:$/.test(l));
    expect(help.startsWith('chart-x: does x\n\nUsage:\n  chart-x <chart>\n')).toBe(true);
    expect(headings).toEqual(['Usage:', 'Options:', 'Environment:', 'Exit codes:']);
    expect(help).toMatch(/^ {2}--json\b/m);
    expect(help).toMatch(/^ {2}-h, --help\b/m);
    expect(help).toMatch(/^ {2}0 +done$/m);
    expect(help).toMatch(/^ {2}2 +a usage error/m);
    expect(help).toMatch(/^ {2}3 +some releases are still drafts$/m);
    expect(help).toMatch(/^ {2}70 +an internal error/m);
  });

  it('keeps a --json line the command wrote itself', () => {
    const help = formatHelp({ command: 'c', summary: 's', usage: ['c'], options: '  --json   the report' });
    expect(help.match(/--json/g)).toHaveLength(1);
  });
});

describe('cliReport', () => {
  it('puts ok, charts, errors and warnings first, and is not ok with an error', () => {
    const report = cliReport({ charts: [{ name: 'web' }], errors: [{ code: 'USAGE', message: 'm' }], base: 'abc' });
    expect(Object.keys(report)).toEqual(['ok', 'charts', 'errors', 'warnings', 'base']);
    expect(report.ok).toBe(false);
    expect(cliReport({}).ok).toBe(true);
  });
});
