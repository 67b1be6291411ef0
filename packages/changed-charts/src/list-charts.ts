import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { readChartYaml } from '@chart-release/chart-metadata';

/** A chart of the checkout: its name and its repository-relative folder. */
export interface ListedChart {
  name: string;
  path: string;
}

/**
 * Every chart in the checkout's chart folders, up to four levels down (a chart's own `charts/` holds subcharts, not
 * charts of the repository). A Chart.yaml that does not read is left out: change detection reports it.
 */
export async function listCharts(cwd: string, chartDirs: string[]): Promise<ListedChart[]> {
  const found: ListedChart[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 4) return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    if (entries.some((e) => e.isFile() && e.name === 'Chart.yaml')) {
      const name = await readChartYaml(dir).then(
        (m) => m.name,
        () => undefined,
      );
      if (name) found.push({ name, path: relative(cwd, dir).split('\\').join('/') });
      return;
    }
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) await walk(join(dir, e.name), depth + 1);
  };
  for (const d of chartDirs) await walk(join(cwd, d), 0);
  return found;
}
