import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedHelm, writeChart, type IsolatedHelm } from '@chart-release/testkit';
import { lintChart } from '../src/index.ts';

// a value the templates need (a nil map without it): plain `helm lint` fails, the chart's CI values pass
const TEMPLATE =
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  host: {{ required "db.host is required" .Values.db.host | quote }}\n  port: {{ .Values.db.port | quote }}\n';

describe('helm lint as chart-testing runs it', () => {
  let helm: IsolatedHelm;
  let dir: string;
  beforeAll(async () => {
    [helm, dir] = await Promise.all([isolatedHelm(4), mkdtemp(join(tmpdir(), 'helm-lint-'))]);
  });
  afterAll(async () => {
    await helm?.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  async function chart(name: string, ci: Record<string, string>) {
    const chartDir = join(dir, name);
    await writeChart(chartDir, { name, version: '0.1.0' });
    await writeFile(join(chartDir, 'templates/configmap.yaml'), TEMPLATE);
    if (Object.keys(ci).length) await mkdir(join(chartDir, 'ci'), { recursive: true });
    for (const [file, text] of Object.entries(ci)) await writeFile(join(chartDir, 'ci', file), text);
    return chartDir;
  }

  it('lints once per ci/*-values.yaml, each alone, and passes a chart whose CI values satisfy it', async () => {
    const chartDir = await chart('db-client', {
      'small-values.yaml': 'db:\n  host: a\n  port: 1\n',
      'large-values.yaml': 'db:\n  host: b\n  port: 2\n',
      'notes.yaml': 'x: 1\n',
    });
    const result = await lintChart({ chart: 'db-client', target: chartDir, chartDir, chartPath: 'charts/db-client', helm });
    expect(result).toEqual({
      runs: [
        { valuesFile: 'charts/db-client/ci/large-values.yaml', problems: [] },
        { valuesFile: 'charts/db-client/ci/small-values.yaml', problems: [] },
      ],
      errors: [],
    });
  });

  it('names the chart, the values file and the template line helm reported', async () => {
    const chartDir = await chart('half', { 'good-values.yaml': 'db:\n  host: a\n  port: 1\n', 'bad-values.yaml': 'other: 1\n' });
    const { errors } = await lintChart({ chart: 'half', target: chartDir, chartDir, chartPath: 'charts/half', helm });
    expect(errors.map((e) => [e.code, e.chart, e.file, e.line])).toEqual([['CHART_LINT_FAILED', 'half', 'charts/half/templates/configmap.yaml', 6]]);
    expect(errors[0]!.message).toMatch(/^helm lint of half with charts\/half\/ci\/bad-values\.yaml failed: .*nil pointer evaluating interface \{\}\.host/);
    expect(errors[0]!.hint).toContain("run 'helm lint charts/half --values charts/half/ci/bad-values.yaml'");
  });

  it('lints with the default values when the chart has no ci/ values', async () => {
    const chartDir = await chart('plain', {});
    const { runs, errors } = await lintChart({ chart: 'plain', target: chartDir, chartDir, chartPath: 'charts/plain', helm });
    expect(runs).toHaveLength(1);
    expect(runs[0]!.valuesFile).toBeUndefined();
    expect(errors[0]!.message).toMatch(/^helm lint of plain with its default values failed/);
  });
});
