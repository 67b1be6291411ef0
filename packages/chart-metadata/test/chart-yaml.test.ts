import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleChartsDir } from '@chart-release/testkit';
import { readChartYaml } from '@chart-release/chart-metadata';

describe('readChartYaml on the example charts', () => {
  it('reads an application chart with a file:// dependency and a library chart', async () => {
    const api = await readChartYaml(join(exampleChartsDir(), 'api-service'));
    expect(api).toMatchObject({ name: 'api-service', type: 'application', apiVersion: 'v2' });
    expect(api.dependencies).toEqual([expect.objectContaining({ name: 'common-lib', repository: 'file://../common-lib' })]);
    const lib = await readChartYaml(join(exampleChartsDir(), 'common-lib'));
    expect(lib).toMatchObject({ name: 'common-lib', type: 'library', dependencies: [] });
  });

  it('names the folder when there is no Chart.yaml', async () => {
    await expect(readChartYaml(exampleChartsDir())).rejects.toMatchObject({ code: 'CHART_YAML_MISSING', file: join(exampleChartsDir(), 'Chart.yaml') });
  });
});
