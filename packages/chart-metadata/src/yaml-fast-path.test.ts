import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chartFiles, exampleChartsDir } from '@chart-release/testkit';
import { readPlainYaml } from './yaml-fast-path.ts';

const examples = readdirSync(exampleChartsDir()).map((d) => [d, readFileSync(join(exampleChartsDir(), d, 'Chart.yaml'), 'utf8')] as const);

const PLAIN = [
  'apiVersion: v2\nname: a\nversion: 1.2.3\n',
  "apiVersion: v2 # comment\nname: 'it''s'\nversion: \"1.0.0-rc.1\"\nappVersion: v1.2#not-a-comment\n",
  'keywords: [a, b]\nsources: []\nicon: "x" # c\n',
  'maintainers:\n- name: Jo\n  email: jo@example.com\n- name: Al\n',
  'dependencies:\n  - name: lib\n    version: 1.x.x\n    repository: file://../lib\n    condition: lib.enabled\n',
  'annotations:\n  artifacthub.io/license: Apache-2.0\n  "a.b/c": d\n',
  'keywords:\n  - web\n  # a comment\n  - nginx\n',
  'sources:\n  - https://example.com/a:b\n',
];
const NOT_PLAIN = [
  ['a number', 'version: 1.0\n'],
  ['a boolean', 'deprecated: true\n'],
  ['null', 'icon: ~\n'],
  ['an empty value', 'icon:\n'],
  ['a block scalar', 'description: |\n  two\n  lines\n'],
  ['a flow list with a mapping', 'keywords: [a, {b: c}]\n'],
  ['a flow list with a number', 'keywords: [a, 1]\n'],
  ['a trailing comma', 'keywords: [a, ]\n'],
  ['an anchor', 'name: &n a\n'],
  ['an escape', 'name: "a\\tb"\n'],
  ['a document marker', '---\nname: a\n'],
  ['a duplicate key', 'name: a\nname: b\n'],
  ['a nested list in a dependency', 'dependencies:\n  - name: a\n    tags:\n      - x\n'],
  ['a colon-space in a plain scalar', 'description: a: b\n'],
  ['tabs', 'name:\ta\n'],
] as const;

describe('readPlainYaml', () => {
  it.each([...examples, ...PLAIN.map((p, i) => [`sample ${i}`, p] as const)])('reads %s exactly as the full YAML parser does', (_name, text) => {
    expect(readPlainYaml(text)).toEqual(parse(text));
  });

  it('reads generated charts (the test kit and the benchmark shape) without falling back', () => {
    const text = chartFiles({ name: 'api', version: '2.0.0', dependencies: [{ name: 'lib', version: '1.x.x', repository: 'file://../lib' }] })['Chart.yaml']!;
    expect(readPlainYaml(text)).toEqual(parse(text));
  });

  it.each(NOT_PLAIN)('leaves %s to the full parser', (_what, text) => {
    expect(readPlainYaml(text)).toBeUndefined();
  });
});
