// The distributed run as the reusable workflow makes it: one plan process, one leg process per chart (each in its
// own checkout and work folder, its result handed on as a folder like an artifact) and one finalize process.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Octokit } from '@octokit/rest';
import { RegistryClient } from '@chart-release/oci';
import { startReleaseSandbox, writeChart, type ReleaseSandbox } from '@chart-release/testkit';
import { freshClone } from './fresh-clone.ts';
import { chartRelease } from './run-cli.ts';

const CHARTS = ['billing', 'checkout', 'inventory', 'shared-labels'];
const VERSION = { billing: '2.3', checkout: '1.1', inventory: '0.4', 'shared-labels': '0.2' } as Record<string, string>;

interface Report {
  ok: boolean;
  fingerprint: string;
  charts: { name: string; status: string; digest?: string; release?: { tag: string; draft: boolean } }[];
  errors: { code: string; chart?: string; message: string; hint?: string }[];
  resume?: string;
}

interface Step {
  uses?: string;
  if?: string;
  with?: Record<string, string | number | boolean>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  outputs?: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; matrix?: string };
  steps: Step[];
}

describe('the reusable workflow .github/workflows/chart-release.yml', () => {
  it('is a workflow_call of a plan job, a matrix of legs handing on artifacts, and one finalize job after them all', async () => {
    const text = await readFile(resolve(import.meta.dirname, '../../../.github/workflows/chart-release.yml'), 'utf8');
    const workflow = parse(text) as { on: { workflow_call: { inputs: Record<string, unknown> } }; jobs: Record<string, Job> };
    expect(Object.keys(workflow.on.workflow_call.inputs)).toContain('chart-release-ref');
    const { plan, legs, finalize } = workflow.jobs;
    expect(Object.keys(workflow.on.workflow_call.inputs)).toContain('max-legs');
    expect(plan!.outputs).toMatchObject({ legs: '${{ steps.plan.outputs.legs }}', base: '${{ steps.plan.outputs.base }}' });
    expect(plan!.steps.find((s) => s.with?.command === 'plan')!.with!.args).toBe('--max-legs ${{ inputs.max-legs }}');
    // the legs, at most 256 (GitHub's matrix limit): a leg of several charts beyond that
    expect(legs!.strategy).toEqual(expect.objectContaining({ 'fail-fast': false, matrix: '${{ fromJSON(needs.plan.outputs.legs) }}' }));
    const leg = legs!.steps.find((s) => s.with?.command === 'publish')!;
    expect(leg.with!.args).toBe('${{ matrix.args }} --phase prepare --out ${{ runner.temp }}/leg');
    const upload = legs!.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
    expect(upload).toMatchObject({ if: 'always()', with: { name: 'chart-release-leg-${{ matrix.leg }}', path: '${{ runner.temp }}/leg' } });
    expect(finalize!.needs).toEqual(['plan', 'legs']);
    expect(finalize!.if).toMatch(/^always\(\) && /);
    const download = finalize!.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!;
    expect(download.with).toEqual({ pattern: 'chart-release-leg-*', path: '${{ runner.temp }}/legs' });
    expect(finalize!.steps.find((s) => s.with?.command === 'finalize')!.with!.args).toBe('--from ${{ runner.temp }}/legs');
    // every action from outside is pinned by commit, as in the rest of our workflows and docs
    const uses = Object.values(workflow.jobs).flatMap((j) => j.steps.map((s) => s.uses).filter((u): u is string => Boolean(u)));
    for (const u of uses.filter((u) => !u.startsWith('./'))) expect(u).toMatch(/^[\w-]+\/[\w-]+@[0-9a-f]{40}$/);
  });
});

describe('a matrix run: plan, one leg per chart as its own process, finalize', () => {
  let sandbox: ReleaseSandbox;
  let octokit: Octokit;
  let source: string;
  let work: string;
  const clones: { dispose(): Promise<void> }[] = [];

  beforeAll(async () => {
    source = await mkdtemp(join(tmpdir(), 'matrix-charts-'));
    work = await mkdtemp(join(tmpdir(), 'matrix-run-'));
    for (const name of CHARTS)
      await writeChart(join(source, name), {
        name,
        version: `${VERSION[name]}.0`,
        docs: true,
        ...(name === 'shared-labels' ? { type: 'library' as const } : {}),
        // checkout depends on billing's new version, released by the same push (at the repository's Helm index)
        ...(name === 'checkout' ? { dependencies: [{ name: 'billing', version: '^2.3.0', repository: 'https://acme.github.io/charts' }] } : {}),
      });
    sandbox = await startReleaseSandbox({ sourceDir: source, charts: CHARTS });
    Object.assign(sandbox.env, { CHART_RELEASE_LEASE_TTL_SECONDS: '5' });
    octokit = new Octokit({ baseUrl: sandbox.github.url, auth: sandbox.github.token });
  });
  afterAll(async () => {
    await Promise.all(clones.map((c) => c.dispose()));
    await sandbox?.stop();
    await Promise.all([source, work].map((d) => d && rm(d, { recursive: true, force: true })));
  });

  /** A job's checkout: a fresh clone of the release head, with its own work folder. */
  const checkout = async () => {
    const clone = await freshClone(sandbox);
    clones.push(clone);
    return clone.dir;
  };
  const run = async (args: string[], env: Record<string, string> = {}) => {
    const r = await chartRelease([...args, '--json'], { cwd: await checkout(), env: { ...sandbox.env, ...env } });
    return { ...r, report: JSON.parse(r.stdout || '{}') as Report };
  };
  const leg = (chart: string, artifacts: string, env?: Record<string, string>) =>
    run(['publish', '--chart', chart, '--phase', 'prepare', '--out', join(artifacts, `chart-release-leg-${chart}`)], env);
  /** A push that bumps every chart to patch `patch` of its version. */
  const pushPatch = (patch: number) =>
    sandbox.push(`release patch ${patch}`, async (repo) => {
      for (const c of CHARTS)
        await repo.write(`charts/${c}/Chart.yaml`, (await repo.read(`charts/${c}/Chart.yaml`)).replace(/^version:.*$/m, `version: ${VERSION[c]}.${patch}`));
    });
  const releasesOf = async (patch: number) => {
    const all = (await octokit.rest.repos.listReleases({ owner: sandbox.owner, repo: sandbox.name, per_page: 100 })).data;
    return CHARTS.map((c) => all.filter((r) => r.tag_name === `${c}-v${VERSION[c]}.${patch}`));
  };
  const indexVersions = async () => {
    const res = await fetch(`${sandbox.github.pagesSiteUrl(sandbox.owner, sandbox.name)}index.yaml`);
    const index = parse(await res.text()) as { entries: Record<string, { version: string }[]> };
    return Object.fromEntries(CHARTS.map((c) => [c, (index.entries[c] ?? []).map((e) => e.version).sort()]));
  };
  const registryDigest = async (chart: string, version: string) =>
    (await new RegistryClient({ registry: sandbox.registryHost, plainHttp: true }).checkManifest(`acme/charts/${chart}`, version))?.digest;

  it('publishes every chart together once every leg got through, and the index lists them', async () => {
    const artifacts = join(work, 'run-1');
    const plan = await run(['plan']);
    expect(plan.exitCode, plan.all).toBe(0);
    expect(plan.report.charts.map((c) => c.name)).toEqual(CHARTS);

    const legs = await Promise.all(CHARTS.map((c) => leg(c, artifacts)));
    for (const l of legs) expect(l.exitCode, l.all).toBe(0);
    // every leg planned the same run, drafted its chart and published nothing
    expect(new Set(legs.map((l) => l.report.fingerprint))).toEqual(new Set([plan.report.fingerprint]));
    expect((await releasesOf(0)).map((rs) => rs.map((r) => r.draft))).toEqual(CHARTS.map(() => [true]));
    const result = JSON.parse(await readFile(join(artifacts, 'chart-release-leg-billing', 'billing.leg.json'), 'utf8'));
    expect(result).toMatchObject({
      schemaVersion: 1,
      kind: 'chart-release/matrix-leg',
      run: { fingerprint: plan.report.fingerprint, head: sandbox.head, id: '4242' },
      chart: { name: 'billing', path: 'charts/billing', version: '2.3.0' },
      status: 'prepared',
      digest: expect.stringMatching(/^sha256:/),
      release: { tag: 'billing-v2.3.0', draft: true },
      signature: { mode: 'sigstore', referrer: expect.stringMatching(/^sha256:/) },
    });

    // checkout's leg packaged billing's new version itself into checkout's package (helm keeps a dependency
    // unpacked there), and released only checkout
    const legDir = join(artifacts, 'chart-release-leg-checkout');
    const checkoutLeg = JSON.parse(await readFile(join(legDir, 'checkout.leg.json'), 'utf8')) as { package: { file: string } };
    const billingChart = await execa('tar', ['-xOzf', join(legDir, checkoutLeg.package.file), 'checkout/charts/billing/Chart.yaml']);
    expect(parse(billingChart.stdout)).toMatchObject({ name: 'billing', version: '2.3.0' });
    expect(legs[1]!.report.charts.map((c) => c.name)).toEqual(['checkout']);

    const finalize = await run(['finalize', '--from', artifacts]);
    expect(finalize.exitCode, finalize.all).toBe(0);
    expect(finalize.report.charts.map((c) => [c.name, c.status])).toEqual(CHARTS.map((c) => [c, 'published']));
    const releases = await releasesOf(0);
    expect(releases.map((rs) => rs.map((r) => [r.draft, r.assets.length]))).toEqual(CHARTS.map(() => [[false, 7]]));
    for (const [i, c] of CHARTS.entries()) {
      expect(releases[i]![0]!.body).toContain(legs[i]!.report.charts[0]!.digest);
      expect(await registryDigest(c, `${VERSION[c]}.0`)).toBe(legs[i]!.report.charts[0]!.digest);
    }
    expect(await indexVersions()).toEqual(Object.fromEntries(CHARTS.map((c) => [c, [`${VERSION[c]}.0`]])));

    // finalize again: everything is public already; its only writes are the run lease it takes and gives back
    const before = sandbox.github.requests.length;
    const again = await run(['finalize', '--from', artifacts]);
    expect(again.exitCode, again.all).toBe(0);
    const writes = sandbox.github.requests.slice(before).filter((r) => r.method !== 'GET' && r.status < 400);
    expect(writes.filter((r) => !decodeURIComponent(r.path).includes('leases') && !JSON.stringify(r.body ?? '').includes('lease'))).toEqual([]);
  });

  it('publishes nothing and deletes the drafts when one leg fails; re-running that leg and finalize completes without duplicates', async () => {
    const patch = 1;
    await pushPatch(patch);
    const artifacts = join(work, 'run-2');
    // the checkout leg's token is refused (say, it expired): that leg fails before it writes anything
    const [billing, checkoutLeg, inventory, shared] = await Promise.all(
      CHARTS.map((c) => leg(c, artifacts, c === 'checkout' ? { GITHUB_TOKEN: 'ghs_expiredexpiredexpiredexpiredexpired00' } : {})),
    );
    for (const l of [billing, inventory, shared]) expect(l!.exitCode, l!.all).toBe(0);
    expect(checkoutLeg!.exitCode, checkoutLeg!.all).toBe(1);
    const failedResult = JSON.parse(await readFile(join(artifacts, 'chart-release-leg-checkout', 'checkout.leg.json'), 'utf8'));
    expect(failedResult).toMatchObject({ status: 'failed', error: { code: 'GITHUB_AUTH_FAILED' } });
    expect((await releasesOf(patch)).map((rs) => rs.length)).toEqual([1, 0, 1, 1]);

    const failed = await run(['finalize', '--from', artifacts]);
    expect(failed.exitCode, failed.all).toBe(1);
    expect(failed.report.errors).toEqual([
      expect.objectContaining({
        code: 'LEG_FAILED',
        chart: 'checkout',
        message: expect.stringContaining('GITHUB_AUTH_FAILED'),
        hint: expect.stringContaining('--chart checkout'),
      }),
    ]);
    expect(failed.stderr).toContain('[LEG_FAILED] checkout');
    expect(failed.report.resume).toMatch(
      /No release was published\. Legs to run again: checkout\. Drafts of this run deleted: billing-v2\.3\.1, inventory-v0\.4\.1, shared-labels-v0\.2\.1\./,
    );
    // nothing of this run is left in GitHub; the earlier releases stay as they were
    expect((await releasesOf(patch)).map((rs) => rs.length)).toEqual([0, 0, 0, 0]);
    expect((await releasesOf(0)).map((rs) => rs.map((r) => r.draft))).toEqual(CHARTS.map(() => [false]));
    expect((await indexVersions()).billing).toEqual(['2.3.0']);

    // Re-run failed jobs: the checkout leg again, then finalize with every leg's result
    const rerun = await leg('checkout', artifacts);
    expect(rerun.exitCode, rerun.all).toBe(0);
    const finalize = await run(['finalize', '--from', artifacts]);
    expect(finalize.exitCode, finalize.all).toBe(0);
    expect(finalize.report.charts.map((c) => [c.name, c.status])).toEqual(CHARTS.map((c) => [c, 'published']));
    const releases = await releasesOf(patch);
    // one release per chart (drafts deleted by the failed finalize were drafted again from the legs' files), every asset
    expect(releases.map((rs) => rs.map((r) => [r.draft, r.assets.length]))).toEqual(CHARTS.map(() => [[false, 7]]));
    const digests = [billing, rerun, inventory, shared].map((l) => l!.report.charts[0]!.digest);
    for (const [i, c] of CHARTS.entries()) {
      expect(releases[i]![0]!.body).toContain(digests[i]);
      expect(await registryDigest(c, `${VERSION[c]}.${patch}`)).toBe(digests[i]);
    }
    expect(await indexVersions()).toEqual(Object.fromEntries(CHARTS.map((c) => [c, [`${VERSION[c]}.0`, `${VERSION[c]}.${patch}`]])));
  });

  it('groups the charts into at most --max-legs legs, each preparing several, and finalize publishes them all', async () => {
    const patch = 2;
    await pushPatch(patch);
    const plan = await run(['plan', '--max-legs', '2']);
    expect(plan.exitCode, plan.all).toBe(0);
    const planned = plan.report as Report & { legs: { leg: string; charts: string[]; args: string }[] };
    expect(planned.legs).toEqual([
      { leg: 'legs-1-of-2', charts: ['billing', 'checkout'], args: '--chart billing --chart checkout' },
      { leg: 'legs-2-of-2', charts: ['inventory', 'shared-labels'], args: '--chart inventory --chart shared-labels' },
    ]);
    const artifacts = join(work, 'run-3');
    // each leg as the workflow runs it: the plan's args, then the phase and the leg's own artifact folder
    const legs = await Promise.all(
      planned.legs.map((l) => run(['publish', ...l.args.split(' '), '--phase', 'prepare', '--out', join(artifacts, `chart-release-leg-${l.leg}`)])),
    );
    for (const l of legs) expect(l.exitCode, l.all).toBe(0);
    expect(legs.map((l) => l.report.charts.map((c) => c.name))).toEqual(planned.legs.map((l) => l.charts));
    for (const l of planned.legs)
      for (const c of l.charts) expect(existsSync(join(artifacts, `chart-release-leg-${l.leg}`, `${c}.leg.json`)), `${c} in ${l.leg}`).toBe(true);
    const finalize = await run(['finalize', '--from', artifacts]);
    expect(finalize.exitCode, finalize.all).toBe(0);
    expect(finalize.report.charts.map((c) => [c.name, c.status])).toEqual(CHARTS.map((c) => [c, 'published']));
    expect((await releasesOf(patch)).map((rs) => rs.map((r) => [r.draft, r.assets.length]))).toEqual(CHARTS.map(() => [[false, 7]]));
    expect(await indexVersions()).toEqual(Object.fromEntries(CHARTS.map((c) => [c, [0, 1, patch].map((p) => `${VERSION[c]}.${p}`)])));
  });

  it('deletes the draft of a leg whose result never reached finalize, and completes once that leg ran again', async () => {
    const patch = 3;
    await pushPatch(patch);
    const artifacts = join(work, 'run-4');
    const legs = await Promise.all(CHARTS.map((c) => leg(c, artifacts)));
    for (const l of legs) expect(l.exitCode, l.all).toBe(0);
    // the inventory leg drafted its release, then its artifact never got uploaded (the job was cancelled)
    await rm(join(artifacts, 'chart-release-leg-inventory'), { recursive: true });
    expect((await releasesOf(patch)).map((rs) => rs.map((r) => r.draft))).toEqual(CHARTS.map(() => [true]));

    const failed = await run(['finalize', '--from', artifacts]);
    expect(failed.exitCode, failed.all).toBe(1);
    expect(failed.report.errors).toEqual([expect.objectContaining({ code: 'LEG_MISSING', chart: 'inventory' })]);
    expect(failed.report.resume).toContain(
      'Legs to run again: inventory. Drafts of this run deleted: billing-v2.3.3, checkout-v1.1.3, inventory-v0.4.3, shared-labels-v0.2.3.',
    );
    expect(failed.report.charts.find((c) => c.name === 'inventory')).toMatchObject({ status: 'failed', deletedDraft: 'inventory-v0.4.3' });
    // no draft of this run is left, the one no leg result named included
    expect((await releasesOf(patch)).map((rs) => rs.length)).toEqual([0, 0, 0, 0]);

    const rerun = await leg('inventory', artifacts);
    expect(rerun.exitCode, rerun.all).toBe(0);
    const finalize = await run(['finalize', '--from', artifacts]);
    expect(finalize.exitCode, finalize.all).toBe(0);
    expect((await releasesOf(patch)).map((rs) => rs.map((r) => [r.draft, r.assets.length]))).toEqual(CHARTS.map(() => [[false, 7]]));
  });
});
