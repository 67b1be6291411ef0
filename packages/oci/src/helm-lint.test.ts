import { describe, expect, it } from 'vitest';
import { parseHelmLintOutput } from './helm-lint.ts';

describe("helm lint's output", () => {
  it('reads an error helm v4 spreads over indented lines, with its template and line', () => {
    const v4 = [
      '==> Linting web-0.1.0.tgz',
      '[INFO] Chart.yaml: icon is recommended',
      '[ERROR] templates/: web/templates/cm.yaml:7:18',
      '  executing "web/templates/cm.yaml" at <.Values.db.port>:',
      '    nil pointer evaluating interface {}.port',
      '',
      'Error: 1 chart(s) linted, 1 chart(s) failed',
    ].join('\n');
    expect(parseHelmLintOutput(v4)).toEqual([
      {
        message: 'templates/: web/templates/cm.yaml:7:18 executing "web/templates/cm.yaml" at <.Values.db.port>: nil pointer evaluating interface {}.port',
        template: 'web/templates/cm.yaml',
        line: 7,
      },
    ]);
  });

  it('reads helm v3 one-line errors, and errors that name no template', () => {
    const v3 = [
      '[ERROR] templates/: template: web/charts/db/templates/x.yaml:3:9: executing "web/charts/db/templates/x.yaml" at <.Values.a.b>: nil pointer',
      '[ERROR] Chart.yaml: version is required',
      '[WARNING] templates/: directory not found',
    ].join('\n');
    expect(parseHelmLintOutput(v3)).toEqual([
      expect.objectContaining({ template: 'web/charts/db/templates/x.yaml', line: 3 }),
      { message: 'Chart.yaml: version is required' },
    ]);
  });
});
