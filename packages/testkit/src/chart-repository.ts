import { createReadStream } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, join, normalize } from 'node:path';
import { writeChart, type ChartSpec } from './charts.ts';
import { isolatedHelm, type IsolatedHelm } from './helm.ts';

/** What a chart repository is started with. */
export interface ChartRepositoryOptions {
  /** Charts to serve: chart folders (packaged as they are) or generated charts. */
  charts?: (string | ChartSpec)[];
  /** Basic auth every request must carry (helm's `repo add --username --password`). */
  auth?: { username: string; password: string };
  /** The helm that packages and indexes the charts (v4 by default). */
  helm?: IsolatedHelm | 3 | 4;
}

/** One request the repository answered. */
export interface ChartRepositoryRequest {
  method: string;
  path: string;
  status: number;
}

/** A Helm HTTP chart repository on 127.0.0.1: `index.yaml` and the chart archives. */
export interface RunningChartRepository {
  /** `http://127.0.0.1:<port>`, what `helm repo add` and a Chart.yaml `repository:` take. */
  url: string;
  /** The folder served: the `.tgz` archives and `index.yaml`. */
  dir: string;
  /** Every request so far, in order. */
  readonly requests: ChartRepositoryRequest[];
  /** How many times the archive of `name` (at `version`, if given) was downloaded successfully. */
  downloads(name: string, version?: string): number;
  /** Packages more charts into the repository and rebuilds its index. */
  add(charts: (string | ChartSpec)[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a Helm chart repository as `helm repo index` lays it out (https://helm.sh/docs/topics/chart_repository/):
 * each chart packaged with the real `helm package`, the index built with `helm repo index --url`.
 */
export async function startChartRepository(options: ChartRepositoryOptions = {}): Promise<RunningChartRepository> {
  const owned = typeof options.helm !== 'object';
  const helm = typeof options.helm === 'object' ? options.helm : await isolatedHelm(options.helm ?? 4);
  const root = await mkdtemp(join(tmpdir(), 'chart-repo-'));
  const dir = join(root, 'repo');
  await mkdir(dir);
  const requests: ChartRepositoryRequest[] = [];
  const expected = options.auth ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64')}` : undefined;

  const server: Server = createServer((req, res) => {
    const done = (status: number): void => {
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', status });
    };
    if (expected && req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="charts"' }).end('unauthorized\n');
      done(401);
      return;
    }
    void serveFile(dir, req).then(
      (file) => {
        if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
          res.writeHead(404).end('not found\n');
          done(404);
          return;
        }
        const type = file.path.endsWith('.yaml') ? 'application/yaml' : 'application/gzip';
        res.writeHead(200, { 'content-type': type, 'content-length': file.size });
        if (req.method === 'HEAD') res.end();
        else createReadStream(file.path).pipe(res);
        done(200);
      },
      () => {
        res.writeHead(500).end();
        done(500);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const add = async (charts: (string | ChartSpec)[]) => {
    const sources = join(root, 'sources');
    for (const chart of charts) {
      let folder: string;
      if (typeof chart === 'string') {
        folder = join(sources, `${basename(chart)}-${Math.random().toString(36).slice(2, 8)}`);
        await cp(chart, folder, { recursive: true });
      } else {
        folder = join(sources, `${chart.name}-${chart.version}`);
        await writeChart(folder, chart);
      }
      await helm.run(['package', folder, '--destination', dir]);
    }
    await helm.run(['repo', 'index', dir, '--url', url]);
  };
  await add(options.charts ?? []);

  return {
    url,
    dir,
    requests,
    downloads: (name, version) =>
      requests.filter(
        (r) =>
          r.method === 'GET' && r.status === 200 && (version ? r.path === `/${name}-${version}.tgz` : new RegExp(`^/${name}-\\d[^/]*\\.tgz$`).test(r.path)),
      ).length,
    add,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (owned) await helm.dispose();
      await rm(root, { recursive: true, force: true });
    },
  };
}

// the file under `dir` a request names, if there is one (no escaping the folder)
async function serveFile(dir: string, req: IncomingMessage): Promise<{ path: string; size: number } | undefined> {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  const relative = normalize(path).replace(/^\/+/, '');
  if (!relative || relative.startsWith('..') || relative.includes('/')) return undefined;
  if (!(await readdir(dir)).includes(relative)) return undefined;
  return { path: join(dir, relative), size: (await stat(join(dir, relative))).size };
}
