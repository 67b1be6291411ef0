import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReleaseSandbox, writeChart, type ReleaseSandbox } from '@chart-release/testkit';
import { chartRelease } from './run-cli.ts';

type Report = {
  ok: boolean;
  errors: { code: string; chart?: string; file?: string; line?: number; message: string; details?: { valuesFile?: string } }[];
  warnings: string[];
};

// templates that need values (a nil map without them): plain `helm lint` fails, the chart's CI values pass
const TEMPLATE =
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  host: {{ required "db.host is required" .Values.db.host | quote }}\n';

describe('preflight lints charts as chart-testing does', () => {
  let sandbox: ReleaseSandbox;
  let configFile: string;
  let config: string;

  beforeAll(async () => {
    sandbox = await startReleaseSandbox({ charts: ['web-app'], signing: 'none' });
    await sandbox.push('Add db-client, linted with its ci/ values', async (repo) => {
      await writeChart(join(repo.dir, 'charts/db-client'), { name: 'db-client', version: '0.1.0', docs: true });
      await repo.write('charts/db-client/templates/configmap.yaml', TEMPLATE);
      await repo.write('charts/db-client/ci/small-values.yaml', 'db:\n  host: small.example\n');
      await repo.write('charts/db-client/ci/tls-values.yaml', 'db:\n  host: tls.example\n');
    });
    configFile = join(sandbox.repo.dir, '.chart-release.yaml');
    config = await readFile(configFile, 'utf8');
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  const plan = async (extraConfig = '') => {
    await writeFile(configFile, config + extraConfig);
    const run = await chartRelease(['plan', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    return { run, report: JSON.parse(run.stdout) as Report };
  };

  it('passes a chart with required values that each of its ci/*-values.yaml satisfies', async () => {
    const { run, report } = await plan();
    expect(run.exitCode, run.all).toBe(0);
    expect(report.errors).toEqual([]);
  });

  it('names the chart, the values file and the template line when one values file fails; lint: warn reports it, lint: off skips it', async () => {
    await writeFile(join(sandbox.repo.dir, 'charts/db-client/ci/broken-values.yaml'), 'other: 1\n');
    try {
      const failed = await plan();
      expect(failed.run.exitCode, failed.run.all).toBe(1);
      expect(failed.report.errors).toEqual([
        expect.objectContaining({
          code: 'CHART_LINT_FAILED',
          chart: 'db-client',
          file: 'charts/db-client/templates/configmap.yaml',
          line: 6,
          message: expect.stringMatching(/^helm lint of db-client with charts\/db-client\/ci\/broken-values\.yaml failed: /),
        }),
      ]);

      const warned = await plan('lint: warn\n');
      expect(warned.run.exitCode, warned.run.all).toBe(0);
      expect(warned.report.warnings.filter((w) => w.includes('helm lint'))).toEqual([
        expect.stringMatching(/^db-client: helm lint of db-client with charts\/db-client\/ci\/broken-values\.yaml failed: .*\(lint: warn\)$/),
      ]);

      const off = await plan('lint: off\n');
      expect(off.run.exitCode, off.run.all).toBe(0);
      expect(off.report.warnings.filter((w) => w.includes('helm lint'))).toEqual([]);
    } finally {
      await writeFile(configFile, config);
    }
  });
});
