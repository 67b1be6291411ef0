import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { writeChart, type ChartSpec } from './charts.ts';
import type { IsolatedHelm } from './helm.ts';

/** The upstream charts a community chart repository depends on: served by a Helm HTTP chart repository, and by a registry. */
export const COMMUNITY_UPSTREAM: { chartRepository: ChartSpec[]; registry: ChartSpec[] } = {
  chartRepository: [
    // the repository's own library as its Helm repository serves it (the checkout holds the next version)
    { name: 'common', version: '1.0.0', type: 'library' },
    { name: 'postgresql', version: '12.1.0' },
    { name: 'redis', version: '17.3.2' },
  ],
  registry: [{ name: 'exporter', version: '0.4.0' }],
};

/** One chart of the fixture, and the dependencies its package must hold (`<name>-<version>`). */
export interface CommunityChart {
  name: string;
  version: string;
  path: string;
  /** The dependencies helm vendors into the package, as `<name>-<version>`. */
  bundles: string[];
  /** The chart has its own CHANGELOG.md, README.md and LICENSE. */
  docs: boolean;
}

export interface CommunityChartRepositoryOptions {
  /** URL of the Helm HTTP chart repository serving `COMMUNITY_UPSTREAM.chartRepository` (`startChartRepository`). */
  chartRepository: string;
  /** `oci://host/namespace` of the registry serving `COMMUNITY_UPSTREAM.registry` (see `pushCommunityUpstream`). */
  ociRepository: string;
  /** A helm of the test's own (not the tool's): writes the Chart.lock with `helm dependency update`. */
  helm: IsolatedHelm;
}

// a template that needs `db.host` (a nil map without it): plain `helm lint` fails, the chart's ci/ values pass
const NEEDS_VALUES =
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-db\ndata:\n  host: {{ required "db.host is required" .Values.db.host | quote }}\n';

/**
 * Writes, under `dir` (a repository root), a chart repository shaped like the large public ones: eleven
 * independently versioned charts in `charts/`, one LICENSE at the root and most charts without CHANGELOG, README or
 * LICENSE of their own. Among them: three dependencies from a Helm HTTP chart repository (one of them a library chart of the
 * repository itself, used by name), one `oci://` dependency, a chart with a Chart.lock, a chart whose templates need
 * values its `ci/*-values.yaml` provide, a `file://` dependency on a sibling. Returns the charts with the
 * dependencies each package must hold.
 */
export async function writeCommunityChartRepository(dir: string, options: CommunityChartRepositoryOptions): Promise<CommunityChart[]> {
  const repo = options.chartRepository;
  const oci = options.ociRepository;
  const charts: (ChartSpec & { bundles?: string[] })[] = [
    { name: 'common', version: '1.1.0', type: 'library' },
    { name: 'web', version: '2.4.0', dependencies: [{ name: 'common', version: '1.0.x', repository: repo }], bundles: ['common-1.0.0'] },
    { name: 'api', version: '3.0.1', dependencies: [{ name: 'postgresql', version: '12.x.x', repository: repo }], bundles: ['postgresql-12.1.0'] },
    { name: 'cache', version: '0.9.0', dependencies: [{ name: 'redis', version: '~17.3.0', repository: repo }], bundles: ['redis-17.3.2'] },
    { name: 'metrics', version: '1.2.0', dependencies: [{ name: 'exporter', version: '0.4.0', repository: oci }], bundles: ['exporter-0.4.0'] },
    { name: 'db-client', version: '0.3.0' },
    { name: 'frontend', version: '5.0.0', docs: true },
    { name: 'gateway', version: '1.0.3' },
    { name: 'umbrella', version: '0.1.0', dependencies: [{ name: 'gateway', version: '1.0.3', repository: 'file://../gateway' }], bundles: ['gateway-1.0.3'] },
    { name: 'jobs', version: '0.0.7' },
    { name: 'docs-site', version: '0.2.0' },
  ];
  for (const chart of charts) await writeChart(join(dir, 'charts', chart.name), chart);
  await writeFile(join(dir, 'LICENSE'), 'Apache License\nVersion 2.0, January 2004\nhttp://www.apache.org/licenses/\n');
  // db-client renders only with the values its CI lints with (chart-testing's ci/*-values.yaml)
  await writeFile(join(dir, 'charts/db-client/templates/db.yaml'), NEEDS_VALUES);
  await writeChartFile(dir, 'db-client', 'ci/small-values.yaml', { db: { host: 'db.small.example' } });
  await writeChartFile(dir, 'db-client', 'ci/tls-values.yaml', { db: { host: 'db.tls.example' }, tls: true });
  // api is locked: Chart.lock as helm writes it, the archives it fetched left out of the checkout
  const api = join(dir, 'charts/api');
  await options.helm.run(['repo', 'add', 'community-upstream', repo, '--force-update']);
  await options.helm.run(['dependency', 'update', api]);
  await rm(join(api, 'charts'), { recursive: true, force: true });
  return charts.map((c) => ({ name: c.name, version: c.version, path: `charts/${c.name}`, bundles: c.bundles ?? [], docs: c.docs ?? false }));
}

/** Packages `COMMUNITY_UPSTREAM.registry` and pushes it to `ociRepository` (`oci://host/namespace`, plain HTTP). */
export async function pushCommunityUpstream(helm: IsolatedHelm, ociRepository: string, work: string): Promise<void> {
  for (const chart of COMMUNITY_UPSTREAM.registry) {
    const folder = join(work, `${chart.name}-${chart.version}`);
    await writeChart(folder, chart);
    await helm.run(['package', folder, '--destination', work]);
    await helm.run(['push', join(work, `${chart.name}-${chart.version}.tgz`), ociRepository, '--plain-http']);
  }
}

async function writeChartFile(dir: string, chart: string, file: string, value: unknown): Promise<void> {
  const path = join(dir, 'charts', chart, file);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, stringify(value));
}
