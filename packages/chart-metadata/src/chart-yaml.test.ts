import { describe, expect, it } from 'vitest';
import { ReleaseError } from '@chart-release/core';
import { parseChartYaml } from './chart-yaml.ts';

const FILE = 'charts/web-app/Chart.yaml';

function errorOf(content: string): ReleaseError {
  try {
    parseChartYaml(content, FILE);
  } catch (error) {
    return error as ReleaseError;
  }
  throw new Error('expected an error');
}

describe('parseChartYaml', () => {
  it('reads the fields release tooling uses, with defaults', () => {
    const chart = parseChartYaml(
      'apiVersion: v2\nname: api\nversion: 1.4.0\nappVersion: "2.1"\ndependencies:\n  - name: common-lib\n    version: 1.x.x\n    repository: file://../common-lib\n',
      FILE,
    );
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'api', version: '1.4.0', appVersion: '2.1', type: 'application' });
    expect(chart.dependencies).toEqual([{ name: 'common-lib', version: '1.x.x', repository: 'file://../common-lib' }]);
    expect(chart.keywords).toEqual([]);
  });

  it('rejects a version that is not SemVer 2, naming the chart, the file and the line', () => {
    const e = errorOf('apiVersion: v2\nname: web-app\nversion: v1.2\n');
    expect(e.code).toBe('VERSION_INVALID');
    expect(e.chart).toBe('web-app');
    expect(e.file).toBe(FILE);
    expect(e.line).toBe(3);
    expect(e.message).toContain("'v1.2'");
  });

  it('reads a version with build metadata as written, and still rejects a leading v', () => {
    expect(parseChartYaml('apiVersion: v2\nname: web-app\nversion: 1.2.3+build.7\n', FILE).version).toBe('1.2.3+build.7');
    expect(errorOf('apiVersion: v2\nname: web-app\nversion: v1.2.3\n').code).toBe('VERSION_INVALID');
  });

  it('explains a version YAML read as a number', () => {
    const e = errorOf('apiVersion: v2\nname: web-app\nversion: 1.0\n');
    expect(e.code).toBe('VERSION_INVALID');
    expect(e.message).toContain('quote it');
  });

  it('reports broken YAML with its line', () => {
    const e = errorOf('apiVersion: v2\nname: [oops\nversion: 1.0.0\n');
    expect(e.code).toBe('CHART_YAML_INVALID');
    expect(e.file).toBe(FILE);
    expect(e.line).toBeGreaterThan(0);
  });

  it.each([
    ['a missing name', 'apiVersion: v2\nversion: 1.0.0\n', "has no 'name'"],
    ['an unknown apiVersion', 'apiVersion: v3\nname: a\nversion: 1.0.0\n', 'apiVersion'],
    ['a name with a slash', 'apiVersion: v2\nname: a/b\nversion: 1.0.0\n', 'not a valid chart name'],
    ['an unknown type', 'apiVersion: v2\nname: a\nversion: 1.0.0\ntype: plugin\n', "type 'plugin'"],
    ['dependencies that are not a list', 'apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies: x\n', 'must be a list'],
    ['a dependency without a name', 'apiVersion: v2\nname: a\nversion: 1.0.0\ndependencies:\n  - version: 1.0.0\n', 'has no name'],
    ['a list instead of a mapping', '- a\n- b\n', 'mapping'],
  ])('rejects %s as CHART_YAML_INVALID', (_what, content, text) => {
    const e = errorOf(content);
    expect(e.code).toBe('CHART_YAML_INVALID');
    expect(e.message).toContain(text);
  });
});
