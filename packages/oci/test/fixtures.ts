import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleChartsDir, writeChart, type ChartSpec } from '@chart-release/testkit';

/** A temp folder holding a copy of the repository's example charts (some tests change them). */
export async function chartWorkspace(): Promise<{ dir: string; charts: string; out: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'oci-test-'));
  await cp(exampleChartsDir(), join(dir, 'charts'), { recursive: true });
  return { dir, charts: join(dir, 'charts'), out: join(dir, 'out'), dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes a generated chart into `<dir>/<name>` and returns its folder. */
export async function generatedChart(dir: string, spec: ChartSpec): Promise<string> {
  const chartDir = join(dir, `${spec.name}-${spec.version}-${Math.random().toString(36).slice(2, 8)}`, spec.name);
  await writeChart(chartDir, spec);
  return chartDir;
}
