import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReleaseError } from '@chart-release/core';
import { detectedChart as chart, digestOf } from '../test/detected-charts.ts';
import { loadConfig } from './config.ts';
import { runFinalize } from './finalize.ts';
import type { JournalData } from './journal.ts';
import { readLegResults, writeLegResults } from './leg-result.ts';
import { runPublish, type PublishPipeline } from './publish.ts';
import type { AnyStage } from './stage.ts';

const HEAD = 'a'.repeat(40);
const CHARTS = [chart('api-service', '1.4.0'), chart('web-app', '0.3.0'), chart('zeta', '1.0.0')];

/**
 * One outside world shared by every process of the run (a registry and GitHub's releases, in memory), and the
 * stages of each process over it, with a switch to fail one chart's push.
 */
function world() {
  const registry = new Map<string, string>();
  const releases = new Map<number, { tag: string; draft: boolean }>();
  const log: string[] = [];
  let nextId = 1;
  const stages = (failPush?: string): AnyStage[] => [
    {
      name: 'packaged',
      phase: 'prepare',
      run: async (c) => {
        await mkdir(dirname(c.packagePath), { recursive: true });
        await writeFile(c.packagePath, `${c.name}-${c.version}`);
        return { file: c.packagePath, sha256: 'c'.repeat(64) };
      },
    },
    {
      name: 'pushed',
      phase: 'chart',
      run: async (c) => {
        if (c.name === failPush) throw new ReleaseError('REGISTRY_UNAVAILABLE', 'the registry answered 503', { hint: 'retry later' });
        registry.set(c.ociRef, digestOf(c.name));
        return { ref: c.ociRef, digest: digestOf(c.name), status: 'pushed' };
      },
      readBack: async ({ chart: c }, recorded) => (registry.get(c.ociRef) === recorded.digest ? recorded : null),
      report: (o, line) => void Object.assign(line, { ref: o.ref, digest: o.digest }),
    },
    {
      name: 'release',
      phase: 'chart',
      run: async (c) => {
        const id = nextId++;
        releases.set(id, { tag: c.gitTag, draft: true });
        log.push(`draft ${c.gitTag}`);
        return { chart: c.name, id, tag: c.gitTag, url: `https://github.com/acme/charts/releases/tag/${c.gitTag}`, draft: true, created: true };
      },
      readBack: async (_run, recorded) => {
        const found = releases.get(recorded.id);
        return found ? { ...recorded, draft: found.draft } : null;
      },
      publish: async ({ outputs }) => {
        const d = outputs.release!;
        if (!d.draft) return undefined;
        releases.get(d.id)!.draft = false;
        log.push(`publish ${d.tag}`);
        return { ...d, draft: false };
      },
      abort: async (runs) => {
        const drafts = runs.map((r) => r.outputs.release).filter((d) => d?.draft);
        for (const d of drafts) {
          releases.delete(d!.id);
          log.push(`delete ${d!.tag}`);
        }
        return drafts.map((d) => d!.chart);
      },
      report: (o, line) => {
        line.release = { tag: o.tag, url: o.url, draft: o.draft };
        line.status = o.draft ? 'drafted' : 'published';
        return undefined;
      },
    },
  ];
  const pipeline = (failPush?: string, head = HEAD): PublishPipeline => ({
    detect: async () => ({ base: 'b'.repeat(40), head, baseSource: 'flag', charts: CHARTS, errors: [] }),
    stages: stages(failPush),
  });
  return { registry, releases, log, pipeline };
}

/** A process's configuration: its own work folder. */
async function processConfig() {
  const workDir = await mkdtemp(join(tmpdir(), 'matrix-job-'));
  return loadConfig({ cwd: workDir, env: {}, flags: { registry: 'oci://127.0.0.1:5000/charts', workDir, concurrency: 1, repository: 'acme/charts' } });
}

/** One leg in its own work folder: the chart's stages up to the draft, its result written to `out`. */
async function leg(w: ReturnType<typeof world>, name: string, out: string, options: { failPush?: boolean; runId?: string; head?: string } = {}) {
  const config = await processConfig();
  const report = await runPublish(config, w.pipeline(options.failPush ? name : undefined, options.head), { phase: 'prepare', charts: [name] });
  const journal = JSON.parse(await readFile(join(config.workDir, 'journal.json'), 'utf8')) as JournalData;
  await writeLegResults(join(out, `leg-${name}`), report, journal.charts, options.runId ? { GITHUB_RUN_ID: options.runId } : {});
  return report;
}

async function finalize(w: ReturnType<typeof world>, from: string, runId?: string) {
  return runFinalize(await processConfig(), w.pipeline(), await readLegResults(from), { runId, rollForward: { pauseMs: 1 } });
}

describe('a matrix run: legs, then finalize', () => {
  it('publishes the drafts of every leg together once every leg got through', async () => {
    const w = world();
    const out = await mkdtemp(join(tmpdir(), 'legs-'));
    for (const c of CHARTS) expect((await leg(w, c.name, out)).ok).toBe(true);
    expect([...w.releases.values()].every((r) => r.draft)).toBe(true);
    const report = await finalize(w, out);
    expect(report.ok).toBe(true);
    expect(report.charts.map((c) => [c.name, c.status, c.digest])).toEqual(CHARTS.map((c) => [c.name, 'published', digestOf(c.name)]));
    expect(w.log.filter((l) => l.startsWith('publish'))).toEqual(['publish api-service-v1.4.0', 'publish web-app-v0.3.0', 'publish zeta-v1.0.0']);
    const manifest = JSON.parse(await readFile(report.manifest!, 'utf8'));
    expect(manifest.artifacts.map((a: { name: string }) => a.name)).toEqual(CHARTS.map((c) => c.name));
    await rm(out, { recursive: true, force: true });
  });

  it('publishes nothing when a leg failed, deletes the other drafts, and completes after that leg ran again', async () => {
    const w = world();
    const out = await mkdtemp(join(tmpdir(), 'legs-'));
    await leg(w, 'api-service', out);
    expect((await leg(w, 'web-app', out, { failPush: true })).ok).toBe(false);
    await leg(w, 'zeta', out);
    const failed = await finalize(w, out);
    expect(failed.ok).toBe(false);
    expect(failed.errors).toEqual([
      expect.objectContaining({ code: 'LEG_FAILED', chart: 'web-app', message: expect.stringContaining('[REGISTRY_UNAVAILABLE] the registry answered 503') }),
    ]);
    expect(failed.resume).toMatch(/^No release was published\. Legs to run again: web-app\. Drafts of this run deleted: api-service-v1\.4\.0, zeta-v1\.0\.0\./);
    expect(w.releases.size).toBe(0);
    expect(w.log.some((l) => l.startsWith('publish'))).toBe(false);

    await leg(w, 'web-app', out);
    const done = await finalize(w, out);
    expect(done.ok).toBe(true);
    // the deleted drafts are drafted again (from the legs' results), each chart has one release, all public
    expect([...w.releases.values()].map((r) => [r.tag, r.draft]).sort()).toEqual(CHARTS.map((c) => [`${c.name}-v${c.version}`, false]));
    await rm(out, { recursive: true, force: true });
  });

  it('with dryRun checks the legs and reads them back, and neither publishes nor deletes', async () => {
    const w = world();
    const out = await mkdtemp(join(tmpdir(), 'legs-'));
    for (const c of CHARTS) await leg(w, c.name, out);
    const config = await processConfig();
    const green = await runFinalize(config, w.pipeline(), await readLegResults(out), { dryRun: true });
    expect(green).toMatchObject({ ok: true, dryRun: true });
    await rm(join(out, 'leg-zeta'), { recursive: true });
    const missing = await runFinalize(config, w.pipeline(), await readLegResults(out), { dryRun: true });
    expect(missing.errors.map((e) => [e.code, e.chart])).toEqual([['LEG_MISSING', 'zeta']]);
    expect(w.log.filter((l) => !l.startsWith('draft'))).toEqual([]);
    expect([...w.releases.values()].every((r) => r.draft)).toBe(true);
    await rm(out, { recursive: true, force: true });
  });

  it('names a missing leg, and never touches the drafts of a leg of another plan or workflow run', async () => {
    const w = world();
    const out = await mkdtemp(join(tmpdir(), 'legs-'));
    await leg(w, 'api-service', out, { runId: '7' });
    await leg(w, 'web-app', out, { runId: '8' });
    await leg(w, 'zeta', out, { runId: '7', head: 'c'.repeat(40) });
    const report = await finalize(w, out, '7');
    expect(report.errors.map((e) => [e.code, e.chart])).toEqual([
      ['LEG_RESULT_INVALID', 'web-app'],
      ['LEG_RESULT_INVALID', 'zeta'],
      ['LEG_MISSING', 'web-app'],
      ['LEG_MISSING', 'zeta'],
    ]);
    expect(report.errors[0]!.message).toContain('it belongs to workflow run 8, this is run 7');
    expect(report.errors[1]!.message).toContain('it was made for another plan');
    // only this run's draft (api-service) is deleted
    expect(w.log.filter((l) => l.startsWith('delete'))).toEqual(['delete api-service-v1.4.0']);
    expect([...w.releases.values()].map((r) => r.tag).sort()).toEqual(['web-app-v0.3.0', 'zeta-v1.0.0']);
    await rm(out, { recursive: true, force: true });
  });
});
