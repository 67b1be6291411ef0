#!/usr/bin/env node
// The repository of the change-detection benchmark (changed-charts.bench.ts): CHARTS charts and COMMITS commits in
// one `git fast-import` stream, the same every run. Built in a process of its own, so that the benchmark's process
// holds no more than a detection run does (the size of a process sets what each of its spawns costs).
//   node --conditions=@chart-release/source bench/changed-charts-repo.ts DIR [--charts N] [--commits N] [--hot N]
// --hot (500): the commits touch only the first HOT charts (and only those depend on libraries), so that repositories of
// different sizes built with the same HOT get the same history of changes.
import { execFile, spawn } from 'node:child_process';
import { parseArgs, promisify } from 'node:util';
import { seededRandom } from '@chart-release/testkit';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    charts: { type: 'string', default: '2000' },
    commits: { type: 'string', default: '5000' },
    hot: { type: 'string', default: '500' },
  },
});
const git = (cwd: string, ...args: string[]) => promisify(execFile)('git', args, { cwd, maxBuffer: 1 << 30 });
const CHARTS = Number(values.charts);
const COMMITS = Number(values.commits);

const LIBS = 20;
/** Commits touch charts among the first HOT ones, so repositories of any size get exactly the same history. */
const HOT = Math.min(Number(values.hot), CHARTS);

const name = (i: number) => (i < LIBS ? `lib-${String(i).padStart(2, '0')}` : `chart-${String(i).padStart(4, '0')}`);

function chartYaml(i: number, chartName: string, patch: number): string {
  const lines = [
    'apiVersion: v2',
    `name: ${chartName}`,
    `description: Generated chart ${chartName}`,
    `type: ${i < LIBS ? 'library' : 'application'}`,
    `version: 1.0.${patch}`,
  ];
  if (i >= LIBS) lines.push('appVersion: "1.0.0"');
  // one application in ten depends on a library: by file:// path, or (every other one) by name from the registry
  // (only among the first HOT charts, so a smaller repository has the same dependents)
  if (i >= LIBS && i < HOT && i % 10 === 5) {
    const lib = name(i % LIBS);
    lines.push('dependencies:', `  - name: ${lib}`, '    version: 1.x.x', `    repository: ${i % 20 === 5 ? `file://../${lib}` : 'oci://ghcr.io/acme/charts'}`);
  }
  return lines.join('\n') + '\n';
}

function chartFiles(i: number, chartName: string): Record<string, string> {
  return {
    'Chart.yaml': chartYaml(i, chartName, 0),
    'values.yaml': `replicaCount: 1\nimage:\n  repository: nginx\n  tag: "1.27"\nservice:\n  port: ${8000 + (i % 1000)}\n`,
    'templates/deployment.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-${chartName}\nspec:\n  replicas: {{ .Values.replicaCount }}\n`,
    'templates/service.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Release.Name }}-${chartName}\nspec:\n  ports:\n    - port: {{ .Values.service.port }}\n`,
    'README.md': `# ${chartName}\n\nA generated chart.\n`,
  };
}

/** Writes the fast-import stream of the whole history to `out` (https://git-scm.com/docs/git-fast-import). */
function* history(charts: number, rand: () => number): Generator<string> {
  const data = (text: string) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const commit = (mark: number, message: string, body: string[]) =>
    `commit refs/heads/main\nmark :${mark}\ncommitter Bench <bench@example.com> ${1_700_000_000 + mark * 60} +0000\n${data(message)}${mark > 1 ? `from :${mark - 1}\n` : ''}${body.join('')}`;
  const file = (path: string, content: string) => `M 100644 inline ${path}\n${data(content)}`;

  const initial: string[] = [];
  for (let i = 0; i < charts; i++) for (const [f, c] of Object.entries(chartFiles(i, name(i)))) initial.push(file(`charts/${name(i)}/${f}`, c));
  yield commit(1, `${charts} charts`, initial);

  const path = Array.from({ length: HOT }, (_, i) => `charts/${name(i)}`);
  const patch = new Array<number>(HOT).fill(0);
  const alive = new Array<boolean>(HOT).fill(true);
  for (let mark = 2; mark <= COMMITS; mark++) {
    const body: string[] = [];
    let i = Math.floor(rand() * HOT);
    while (!alive[i]) i = (i + 1) % HOT;
    if (mark % 400 === 0 && i >= LIBS) {
      alive[i] = false;
      body.push(`D ${path[i]}\n`);
    } else if (mark % 250 === 0 && i >= LIBS) {
      const to = `charts/moved/${name(i)}-${mark}`;
      body.push(`R ${path[i]} ${to}\n`);
      path[i] = to;
    } else {
      const which = rand();
      if (which < 0.5) body.push(file(`${path[i]}/values.yaml`, `replicaCount: ${mark}\n`));
      else if (which < 0.8) body.push(file(`${path[i]}/templates/deployment.yaml`, `# revision ${mark}\n`));
      else body.push(file(`${path[i]}/templates/configmap-${mark}.yaml`, `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${mark}\n`));
      patch[i]!++;
      body.push(file(`${path[i]}/Chart.yaml`, chartYaml(i, name(i), patch[i]!)));
      if (rand() < 0.2) body.push(file(`${path[i]}/README.md`, `# ${name(i)}\n\nRevision ${mark}.\n`));
    }
    yield commit(mark, `change ${mark}`, body);
  }
}

/** Builds the repository of `charts` charts in `dir`. */
async function build(dir: string, charts: number): Promise<void> {
  await git(dir, 'init', '-q', '-b', 'main');
  const child = spawn('git', ['fast-import', '--quiet'], { cwd: dir, stdio: ['pipe', 'inherit', 'inherit'] });
  const done = new Promise<void>((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`)))),
  );
  // deterministic, so every run generates the same repository
  for (const chunk of history(charts, seededRandom(42))) {
    if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
  }
  child.stdin.end();
  await done;
}

const dir = positionals[0];
if (!dir) {
  console.error('usage: changed-charts-repo.ts DIR [--charts N] [--commits N] [--hot N]');
  process.exit(2);
}
await build(dir, CHARTS);
