import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatChangedChartsTable, writeActionsOutputs } from './output.ts';
import type { ChangedChartsResult } from './types.ts';
import { parseOutputs } from '../test/github-output.ts';

const result: ChangedChartsResult = {
  base: 'a'.repeat(40),
  head: 'b'.repeat(40),
  baseSource: 'event',
  charts: [
    {
      name: 'api',
      path: 'charts/api',
      version: '1.5.0',
      previousVersion: '1.4.0',
      status: 'modified',
      changedFiles: [],
      triggeredBy: ['lib'],
      type: 'application',
      release: true,
    },
    {
      name: 'lib',
      path: 'charts/lib',
      version: '1.1.0',
      previousVersion: '1.0.0',
      status: 'modified',
      changedFiles: ['charts/lib/templates/_h.tpl'],
      triggeredBy: [],
      type: 'library',
      release: true,
    },
    {
      name: 'old',
      path: 'charts/old',
      version: '0.1.0',
      status: 'deleted',
      changedFiles: ['charts/old/Chart.yaml'],
      triggeredBy: [],
      type: 'application',
      release: false,
    },
  ],
  errors: [],
  notes: [],
};

describe('formatChangedChartsTable', () => {
  it('prints one aligned row per chart with the reason', () => {
    expect(formatChangedChartsTable(result)).toMatchInlineSnapshot(`
      "CHART  PATH        VERSION         STATUS    RELEASE  WHY
      api    charts/api  1.4.0 -> 1.5.0  modified  yes      depends on lib
      lib    charts/lib  1.0.0 -> 1.1.0  modified  yes      1 file changed
      old    charts/old  0.1.0           deleted   no       1 file changed

      2 of 3 charts to release, aaaaaaaaaaaa..bbbbbbbbbbbb (base from event).
      "
    `);
  });

  it('lists the charts that depend by name on a released chart as notes', () => {
    const note = {
      chart: 'web',
      path: 'charts/web',
      dependency: 'lib',
      constraint: '1.0.*',
      repository: 'https://acme.github.io/charts',
      released: '1.1.0',
      message: 'web depends on lib 1.0.*; lib 1.1.0 is released in this push',
    };
    expect(formatChangedChartsTable({ ...result, notes: [note] })).toMatch(
      /base from event\)\.\n\nnote: web depends on lib 1\.0\.\*; lib 1\.1\.0 is released in this push\.\n$/,
    );
  });

  it('says so when nothing changed', () => {
    expect(formatChangedChartsTable({ ...result, charts: [] })).toBe('No chart changed in aaaaaaaaaaaa..bbbbbbbbbbbb (base from event).\n');
  });
});

describe('writeActionsOutputs', () => {
  it('writes the chart names and a job matrix of the charts to release', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'gh-out-')), 'out');
    expect(writeActionsOutputs(result, { GITHUB_OUTPUT: file })).toBe(true);
    const outputs = parseOutputs(await readFile(file, 'utf8'));
    expect(JSON.parse(outputs.charts!)).toEqual(['api', 'lib']);
    expect(JSON.parse(outputs.matrix!)).toEqual({
      include: [
        { chart: 'api', path: 'charts/api', version: '1.5.0' },
        { chart: 'lib', path: 'charts/lib', version: '1.1.0' },
      ],
    });
    expect(outputs.changed).toBe('true');
  });

  it('writes nothing outside Actions', () => {
    expect(writeActionsOutputs(result, {})).toBe(false);
  });
});
