#!/usr/bin/env node
// Change detection on a large chart repository: a generated repository with 2,000 charts and 5,000 commits (built
// with one `git fast-import` stream), detection across a 1,000-commit range, compared with the raw
// `git diff --name-status -M base head` on the same range in this same process. Target: at most 2x the raw git time.
// Two detection figures: with the dependency index a previous run left in .git/chart-release (any later run on the
// clone), and the first run in a fresh clone, which searches every chart's Chart.yaml to build that index.
// Memory: the same history is also generated with 500 charts; the heap growth of detection must not depend on the
// number of charts the repository holds (only touched charts and dependency candidates are read).
//   node --conditions=@chart-release/source --expose-gc bench/changed-charts.bench.ts [--charts 2000] [--commits 5000]
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import { detectChangedCharts } from '@chart-release/changed-charts';
import { seededRandom } from '@chart-release/testkit';

const { values } = parseArgs({
  options: {
    charts: { type: 'string', default: '2000' },
    commits: { type: 'string', default: '5000' },
    range: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '15' },
    keep: { type: 'boolean', default: false },
  },
});
const git = (cwd: string, ...args: string[]) => promisify(execFile)('git', args, { cwd, maxBuffer: 1 << 30 });
const CHARTS = Number(values.charts);
const COMMITS = Number(values.commits);
const RANGE = Number(values.range);
const RUNS = Number(values.runs);
const CONTROL_CHARTS = 500;
const LIBS = 20;
/** Commits touch charts among the first HOT ones, so both repositories get exactly the same history of changes. */
const HOT = Math.min(CONTROL_CHARTS, CHARTS);

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
  // (only among the first CONTROL_CHARTS, so the control repository has the same dependents)
  if (i >= LIBS && i < CONTROL_CHARTS && i % 10 === 5) {
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
function* history(charts: number): Generator<string> {
  // deterministic, so every run generates the same repository
  const rand = seededRandom(42);
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

async function generate(charts: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `bench-charts-${charts}-`));
  await git(dir, 'init', '-q', '-b', 'main');
  const child = spawn('git', ['fast-import', '--quiet'], { cwd: dir, stdio: ['pipe', 'inherit', 'inherit'] });
  const done = new Promise<void>((resolve, reject) =>
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`)))),
  );
  for (const chunk of history(charts)) {
    if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
  }
  child.stdin.end();
  await done;
  return dir;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const gc = (globalThis as { gc?: () => void }).gc;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function measure(dir: string) {
  const base = (await git(dir, 'rev-parse', `main~${RANGE}`)).stdout.trim();
  const head = (await git(dir, 'rev-parse', 'main')).stdout.trim();
  const rawDiff = () => git(dir, 'diff', '--name-status', '-M', base, head);
  const detect = () => detectChangedCharts({ cwd: dir, base, head, env: {} });

  const warm = await rawDiff();
  const changedFiles = warm.stdout.split('\n').filter(Boolean).length;
  const forgetIndex = () => rm(join(dir, '.git', 'chart-release'), { recursive: true, force: true });

  // each detection right after a raw diff of the same range, so both meet the machine in the same state
  const gitTimes: number[] = [];
  const timeBoth = async (into: number[], prepare?: () => Promise<void>) => {
    for (let r = 0; r < into.length; r++) {
      await prepare?.();
      let t = performance.now();
      await rawDiff();
      gitTimes.push(performance.now() - t);
      t = performance.now();
      await detect();
      into[r] = performance.now() - t;
    }
  };
  // the first run in a fresh clone: no index yet
  const coldTimes = new Array<number>(Math.min(RUNS, 7)).fill(0);
  await timeBoth(coldTimes, forgetIndex);
  const first = await detect();
  const detectTimes = new Array<number>(RUNS).fill(0);
  await timeBoth(detectTimes);

  gc?.();
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 1);
  const kept = await detect();
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  clearInterval(sampler);
  gc?.();
  const retained = process.memoryUsage().heapUsed - before;
  return {
    base,
    head,
    changedFiles,
    result: first,
    kept,
    git: median(gitTimes),
    detection: median(detectTimes),
    cold: median(coldTimes),
    heapPeak: peak - before,
    retained,
  };
}

const t0 = performance.now();
const [big, control] = await Promise.all([generate(CHARTS), generate(CONTROL_CHARTS)]);
console.error(`generated ${CHARTS} + ${CONTROL_CHARTS} chart repositories with ${COMMITS} commits each in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
try {
  const m = await measure(big);
  const c = await measure(control);
  const releasing = m.result.charts.filter((x) => x.release).length;
  const statuses = ['added', 'modified', 'deleted', 'renamed'].map((s) => `${m.result.charts.filter((x) => x.status === s).length} ${s}`).join(', ');
  const dependents = m.result.charts.filter((x) => x.triggeredBy.length).length;
  console.log(
    `range ${RANGE} commits: ${m.changedFiles} files changed; ${m.result.charts.length} charts (${statuses}; ${dependents} with triggeredBy; ${releasing} to release), ${m.result.errors.length} errors`,
  );
  if (JSON.stringify(m.result.charts) !== JSON.stringify(c.result.charts))
    throw new Error('the 500-chart control repository gave a different result: the generator is not deterministic');
  const ratio = m.detection / m.git;
  const coldRatio = m.cold / m.git;
  const flat = m.heapPeak / Math.max(c.heapPeak, 1);
  console.log(
    `changed-charts: detection ${m.detection.toFixed(1)} ms vs git diff ${m.git.toFixed(1)} ms = ${ratio.toFixed(2)}x (${ratio <= 1.3 ? 'within' : 'above'} the 1.3x target) with the dependency index of an earlier run; ` +
      `first run in a fresh clone (searches every Chart.yaml to build the index) ${m.cold.toFixed(1)} ms = ${coldRatio.toFixed(2)}x (${coldRatio <= 2 ? 'within' : 'above'} the 2x target); ` +
      `heap delta ${mb(m.heapPeak)} peak / ${mb(m.retained)} retained with ${CHARTS} charts vs ${mb(c.heapPeak)} / ${mb(c.retained)} with ${CONTROL_CHARTS} = ${flat.toFixed(2)}x` +
      `${gc ? '' : ' (run with --expose-gc for exact heap figures)'}`,
  );
  process.exitCode = ratio <= 2 ? 0 : 1;
} finally {
  if (values.keep) console.error(`kept ${big} and ${control}`);
  else await Promise.all([rm(big, { recursive: true, force: true }), rm(control, { recursive: true, force: true })]);
}
