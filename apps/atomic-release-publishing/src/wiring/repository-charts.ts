import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { readChartYaml } from '@chart-release/chart-metadata';
import type { ChartIdentity } from '../chart-identity.ts';
import type { ReleaseConfig } from '../config.ts';

/** Every chart in the checkout's chart folders (a chart's own `charts/` holds subcharts, not charts of the repository). */
export async function listRepositoryCharts(config: ReleaseConfig): Promise<ChartIdentity[]> {
  const found: ChartIdentity[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 4) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    if (entries.some((e) => e.isFile() && e.name === 'Chart.yaml')) {
      const path = relative(config.cwd, dir).split('\\').join('/');
      const name = await readChartYaml(dir).then(
        (m) => m.name,
        () => undefined,
      );
      // an unreadable Chart.yaml is change detection's to report
      if (name) found.push({ name, path });
      return;
    }
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) await walk(join(dir, e.name), depth + 1);
  };
  for (const d of config.chartDirs) await walk(join(config.cwd, d), 0);
  return found;
}
