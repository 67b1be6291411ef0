import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listCharts } from './list-charts.ts';

describe('listCharts', () => {
  it('finds the charts of the chart folders, nested ones too, but not subcharts or unreadable ones', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'list-charts-'));
    const chart = async (dir: string, yaml: string) => {
      await mkdir(join(cwd, dir), { recursive: true });
      await writeFile(join(cwd, dir, 'Chart.yaml'), yaml);
    };
    await chart('charts/web', 'apiVersion: v2\nname: web\nversion: 1.0.0\n');
    await chart('charts/web/charts/sub', 'apiVersion: v2\nname: sub\nversion: 1.0.0\n');
    await chart('charts/team/api', 'apiVersion: v2\nname: api-service\nversion: 0.1.0\n');
    await chart('charts/broken', 'name: [\n');
    await chart('other/outside', 'apiVersion: v2\nname: outside\nversion: 1.0.0\n');
    const found = await listCharts(cwd, ['charts']);
    expect(found.sort((a, b) => a.path.localeCompare(b.path))).toEqual([
      { name: 'api-service', path: 'charts/team/api' },
      { name: 'web', path: 'charts/web' },
    ]);
  });
});
