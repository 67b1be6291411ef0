import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReleaseError } from '@chart-release/core';
import { detectedChart as chart, digestOf } from '../test/detected-charts.ts';
import { loadConfig } from './config.ts';
import type { DetectedChart } from './plan.ts';
import { runPublish, type PublishPipeline } from './publish.ts';
import type { AnyStage, DraftedRelease, Problem, Stage } from './stage.ts';
import { manifestSchemaProblems } from './manifest.ts';
import { renderStepSummary } from './report.ts';

const SHA = 'a'.repeat(40);

// a stage this test adds through the contract alone: its output type joins StageOutputs from here
declare module './stage.ts' {
  interface StageOutputs {
    audit: { note: string };
  }
}

/** In-memory stages recording what was written, with a switch to fail one chart at one stage. */
function fakeSteps(charts: DetectedChart[], failAt?: { chart: string; step: 'push' | 'sign' | 'release' }) {
  const written: string[] = [];
  const deleted: string[] = [];
  const published: string[] = [];
  let nextId = 1;
  const fail = (name: string, step: string) => {
    if (failAt?.chart === name && failAt.step === step) throw new ReleaseError('REGISTRY_UNAVAILABLE', `${step} failed`, { hint: 'retry later' });
  };
  const preflight: { problems: Problem[] } = { problems: [] };
  const faults: { publish?: (chart: string) => void } = {};
  const stages: AnyStage[] = [
    { name: 'packaged', phase: 'prepare', run: async (c) => ({ file: c.packagePath, sha256: 'c'.repeat(64) }) },
    {
      name: 'pushed',
      phase: 'chart',
      preflight: async () => preflight.problems,
      run: async (c) => {
        fail(c.name, 'push');
        written.push(`push ${c.name}`);
        return { ref: c.ociRef, digest: digestOf(c.name), status: 'pushed' };
      },
      report: (o, line) => void Object.assign(line, { ref: o.ref, digest: o.digest, push: o.status }),
    },
    {
      name: 'signed',
      phase: 'chart',
      run: async (c) => {
        fail(c.name, 'sign');
        written.push(`sign ${c.name}`);
        return { mode: 'sigstore', referrerDigest: digestOf(`sig-${c.name}`), bundlePath: `${c.packagePath}.sigstore.json` };
      },
    },
    { name: 'lineage', phase: 'chart', run: async (c) => ({ file: `/tmp/${c.name}-attestation-lineage.json`, sha256: 'd'.repeat(64) }) },
    {
      name: 'release',
      phase: 'chart',
      run: async (c) => {
        fail(c.name, 'release');
        written.push(`draft ${c.name}`);
        return { chart: c.name, id: nextId++, tag: c.gitTag, url: `https://github.com/acme/charts/releases/tag/${c.gitTag}`, draft: true, created: true };
      },
      publish: async (run) => {
        const d = run.outputs.release;
        if (!d?.draft) return undefined;
        faults.publish?.(d.chart);
        published.push(d.tag);
        return { ...d, draft: false };
      },
      abort: async (runs) => {
        const drafts = runs.map((r) => r.outputs.release).filter((d): d is DraftedRelease => d?.draft === true);
        deleted.push(...drafts.map((d) => d.tag));
        return drafts.map((d) => d.chart);
      },
      report: (o, line) => {
        line.release = { tag: o.tag, url: o.url, draft: o.draft };
        line.status = o.draft ? 'drafted' : 'published';
        return undefined;
      },
    },
  ];
  const steps: PublishPipeline = { detect: async () => ({ base: 'b'.repeat(40), head: SHA, baseSource: 'flag', charts, errors: [] }), stages };
  return { steps, written, deleted, published, preflight, faults };
}

async function config(extra: Record<string, unknown> = {}) {
  const workDir = await mkdtemp(join(tmpdir(), 'run-'));
  return {
    ...loadConfig({ cwd: workDir, env: {}, flags: { registry: 'oci://127.0.0.1:5000/charts', workDir, concurrency: 1, repository: 'acme/charts' } }),
    ...extra,
  };
}

describe('a publish run', () => {
  it('publishes every chart together and writes a valid release manifest', async () => {
    const cfg = await config();
    const fake = fakeSteps([chart('web-app', '0.3.0'), chart('api-service', '1.4.0')]);
    const report = await runPublish(cfg, fake.steps);
    expect(report.ok).toBe(true);
    expect(report.charts.map((c) => [c.name, c.status])).toEqual([
      ['api-service', 'published'],
      ['web-app', 'published'],
    ]);
    expect(fake.published).toEqual(['api-service-v1.4.0', 'web-app-v0.3.0']);
    const manifest = JSON.parse(await readFile(report.manifest!, 'utf8'));
    expect(manifestSchemaProblems(manifest)).toEqual([]);
    expect(manifest.artifacts[1]).toMatchObject({ name: 'web-app', uri: `oci://127.0.0.1:5000/charts/web-app@${digestOf('web-app')}`, tag: '0.3.0' });
  });

  it('leaves no published release when one chart fails, and says how a re-run resumes', async () => {
    const cfg = await config();
    const fake = fakeSteps([chart('api-service', '1.4.0'), chart('web-app', '0.3.0'), chart('zeta', '1.0.0')], { chart: 'web-app', step: 'sign' });
    const report = await runPublish(cfg, fake.steps);
    expect(report.ok).toBe(false);
    expect(fake.published).toEqual([]);
    expect(fake.deleted).toEqual(['api-service-v1.4.0']);
    expect(fake.written).not.toContain('push zeta');
    expect(report.charts.find((c) => c.name === 'web-app')).toMatchObject({ status: 'failed', error: { code: 'REGISTRY_UNAVAILABLE', chart: 'web-app' } });
    expect(report.charts.find((c) => c.name === 'zeta')?.status).toBe('skipped');
    expect(report.resume).toMatch(/No release was published.*api-service@sha256/);
    const journal = JSON.parse(await readFile(join(cfg.workDir, 'journal.json'), 'utf8'));
    expect(journal.phase).toBe('failed');
    expect(journal.charts['web-app'].failed).toMatchObject({ step: 'signed', code: 'REGISTRY_UNAVAILABLE' });
  });

  it('keeps the drafts with keepDrafts', async () => {
    const cfg = await config({ keepDrafts: true });
    const fake = fakeSteps([chart('api-service', '1.4.0'), chart('web-app', '0.3.0')], { chart: 'web-app', step: 'release' });
    const report = await runPublish(cfg, fake.steps);
    expect(fake.deleted).toEqual([]);
    expect(report.resume).toMatch(/Drafts kept: api-service-v1\.4\.0/);
  });

  it('reports every preflight problem at once and writes nothing', async () => {
    const cfg = await config();
    const fake = fakeSteps([chart('web-app', '0.3.0'), chart('api-service', '1.4.0')]);
    fake.preflight.problems = [
      new ReleaseError('IMMUTABLE_TAG', 'web-app 0.3.0 exists with other content.', { chart: 'web-app' }),
      new ReleaseError('ASSET_MISSING', 'LICENSE is missing.', { chart: 'api-service', file: 'charts/api-service/LICENSE' }),
    ];
    const report = await runPublish(cfg, fake.steps);
    expect(report.ok).toBe(false);
    expect(report.errors.map((e) => e.code)).toEqual(['ASSET_MISSING', 'IMMUTABLE_TAG']);
    expect(fake.written).toEqual([]);
    expect(report.resume).toMatch(/Nothing was written/);
  });

  it('refuses two charts with one name before packaging either, and still runs the other checks', async () => {
    const cfg = await config();
    const fake = fakeSteps([chart('web-app', '0.3.0'), { ...chart('web-app', '1.0.0'), path: 'charts/frontend' }, chart('api-service', '1.4.0')]);
    const packaged: string[] = [];
    let preflighted: string[] = [];
    const watch: Stage<'audit'> = {
      name: 'audit',
      phase: 'prepare',
      run: async (c) => (packaged.push(c.path), { note: '' }),
      preflight: async (plan) => ((preflighted = plan.charts.map((c) => c.path)), []),
    };
    const report = await runPublish(cfg, { ...fake.steps, stages: [watch, ...fake.steps.stages] });
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual([
      expect.objectContaining({ code: 'DUPLICATE_CHART_NAME', chart: 'web-app', details: { folders: ['charts/frontend', 'charts/web-app'] } }),
    ]);
    expect(report.warnings).toEqual([expect.stringContaining("the chart in charts/frontend is named 'web-app'")]);
    expect(packaged).toEqual(['charts/api-service']);
    expect(preflighted).toEqual(['charts/api-service']);
    expect(fake.written).toEqual([]);
  });

  it('rolls forward when publishing a draft fails after another went public: retried until every draft is public', async () => {
    const cfg = await config();
    const fake = fakeSteps([chart('api-service', '1.4.0'), chart('web-app', '0.3.0')]);
    let failures = 2;
    fake.faults.publish = (name) => {
      if (name === 'web-app' && failures-- > 0) throw new ReleaseError('PUBLISH_FAILED', 'GitHub answered 502');
    };
    const report = await runPublish(cfg, fake.steps, { rollForward: { attempts: 3, pauseMs: 1 } });
    expect(report.ok).toBe(true);
    expect(fake.published).toEqual(['api-service-v1.4.0', 'web-app-v0.3.0']);
    expect(fake.deleted).toEqual([]);
  });

  it('says which charts are public and how a re-run finishes when a draft stays a draft', async () => {
    const cfg = await config();
    const fake = fakeSteps([chart('api-service', '1.4.0'), chart('web-app', '0.3.0'), chart('zeta', '1.0.0')]);
    fake.faults.publish = (name) => {
      if (name === 'web-app') throw new ReleaseError('PUBLISH_FAILED', 'GitHub answered 502');
    };
    const report = await runPublish(cfg, fake.steps, { rollForward: { attempts: 2, pauseMs: 1 } });
    expect(report).toMatchObject({ ok: false, incomplete: true });
    expect(report.charts.map((c) => [c.name, c.status])).toEqual([
      ['api-service', 'published'],
      ['web-app', 'drafted'],
      ['zeta', 'published'],
    ]);
    expect(report.errors).toEqual([
      expect.objectContaining({
        code: 'PUBLISH_INCOMPLETE',
        chart: 'web-app',
        details: { tag: 'web-app-v0.3.0', public: ['api-service (api-service-v1.4.0)', 'zeta (zeta-v1.0.0)'] },
      }),
    ]);
    expect(report.resume).toBe(
      'Partly published. Public: api-service (api-service-v1.4.0), zeta (zeta-v1.0.0). Still drafts: web-app-v0.3.0. Re-run the job to finish: it publishes the remaining drafts and repeats nothing else.',
    );
    expect(fake.deleted).toEqual([]);
    expect(renderStepSummary(report)).toContain('## Charts partly released: re-run to finish');
    const journal = JSON.parse(await readFile(join(cfg.workDir, 'journal.json'), 'utf8'));
    expect(journal.phase).toBe('running');
    expect(journal.charts['api-service'].release.draft).toBe(false);
    expect(journal.charts['web-app'].release.draft).toBe(true);
  });

  it('stops at the plan and preflight with dryRun', async () => {
    const cfg = await config();
    const fake = fakeSteps([chart('web-app', '0.3.0')]);
    const report = await runPublish(cfg, fake.steps, { dryRun: true });
    expect(report).toMatchObject({ ok: true, dryRun: true, charts: [{ name: 'web-app', status: 'planned' }] });
    expect(report.decisions).toMatchObject({ makeLatest: 'true', pullRequest: null });
    expect(fake.written).toEqual([]);
  });

  it('drafts without publishing in the first phase of a two-phase release', async () => {
    const cfg = await config();
    const fake = fakeSteps([chart('web-app', '0.3.0')]);
    const report = await runPublish(cfg, fake.steps, { phase: 'publish' });
    expect(report.ok).toBe(true);
    expect(report.charts[0]).toMatchObject({ status: 'drafted', release: { draft: true } });
    expect(fake.published).toEqual([]);
    const manifest = JSON.parse(await readFile(report.manifest!, 'utf8'));
    expect(manifest.artifacts[0].release).toMatchObject({ tag: 'web-app-v0.3.0', id: 1 });
  });

  it('reports deleted charts without releasing them', async () => {
    const cfg = await config();
    const fake = fakeSteps([{ ...chart('old', '1.0.0'), status: 'deleted', release: false }]);
    const report = await runPublish(cfg, fake.steps);
    expect(report.ok).toBe(true);
    expect(report.charts).toEqual([expect.objectContaining({ name: 'old', status: 'not-released', why: 'deleted' })]);
    expect(fake.written).toEqual([]);
  });

  it('runs a stage added through the stage contract: its writes are planned, its preflight runs, then its run and finalize', async () => {
    const cfg = await config();
    const fake = fakeSteps([chart('web-app', '0.3.0'), chart('api-service', '1.4.0')]);
    const seen: string[] = [];
    const audit: Stage<'audit'> = {
      name: 'audit',
      phase: 'chart',
      writes: (plan) => plan.charts.map((c) => ({ stage: 'audit', chart: c.name, system: 'github', kind: 'audit-note', target: c.gitTag })),
      preflight: async (plan, prepared) => {
        seen.push(`preflight ${plan.charts.map((c) => `${c.name}:${prepared.get(c.name)?.packaged?.sha256.slice(0, 4)}`).join(',')}`);
        return [{ warning: 'audit notes are kept for 90 days', chart: 'web-app' }];
      },
      run: async (c, inputs) => {
        seen.push(`run ${c.name} after ${inputs.pushed!.digest.slice(0, 12)}`);
        return { note: `${c.name} audited` };
      },
      finalize: async (runs) => {
        seen.push(`finalize ${runs.map((r) => r.outputs.audit?.note).join(', ')}`);
        return new Map();
      },
    };
    const pipeline = { ...fake.steps, stages: [...fake.steps.stages.slice(0, 2), audit, ...fake.steps.stages.slice(2)] };
    const report = await runPublish(cfg, pipeline);
    expect(report.ok).toBe(true);
    expect(report.writes?.filter((w) => w.stage === 'audit').map((w) => w.target)).toEqual(['api-service-v1.4.0', 'web-app-v0.3.0']);
    expect(report.warnings).toContain('web-app: audit notes are kept for 90 days');
    expect(seen[0]).toBe('preflight api-service:cccc,web-app:cccc');
    expect(seen.slice(1, 3).sort()).toEqual([
      `run api-service after ${digestOf('api-service').slice(0, 12)}`,
      `run web-app after ${digestOf('web-app').slice(0, 12)}`,
    ]);
    expect(seen[3]).toBe('finalize api-service audited, web-app audited');
    const journal = JSON.parse(await readFile(join(cfg.workDir, 'journal.json'), 'utf8'));
    expect(journal.charts['web-app'].audit).toEqual({ note: 'web-app audited' });
  });

  it('stops before any write when the added stage finds a problem in preflight', async () => {
    const cfg = await config();
    const fake = fakeSteps([chart('web-app', '0.3.0')]);
    const audit: Stage<'audit'> = {
      name: 'audit',
      phase: 'chart',
      preflight: async () => [new ReleaseError('CONFIG_INVALID', 'the audit log is read-only.', { hint: 'grant write access to the audit log.' })],
      run: async () => ({ note: 'never' }),
    };
    const report = await runPublish(cfg, { ...fake.steps, stages: [...fake.steps.stages, audit] });
    expect(report.ok).toBe(false);
    expect(report.errors.map((e) => e.code)).toEqual(['CONFIG_INVALID']);
    expect(fake.written).toEqual([]);
  });

  describe('run again once finished', () => {
    // the push stage confirms what the journal recorded when `tags` still name the recorded digests
    const withConfirm = (fake: ReturnType<typeof fakeSteps>, tags: Map<string, string>): PublishPipeline => ({
      ...fake.steps,
      stages: fake.steps.stages.map((s) =>
        s.name === 'pushed'
          ? {
              ...s,
              confirm: async (runs) =>
                new Map(
                  runs
                    .filter((r) => tags.get(r.chart.name) === r.outputs.pushed?.digest)
                    .map((r) => [r.chart.name, { ...r.outputs.pushed!, status: 'exists' as const }]),
                ),
            }
          : s,
      ),
    });

    it('runs no stage when the journal holds every output and the stages confirm it', async () => {
      const cfg = await config();
      const fake = fakeSteps([chart('web-app', '0.3.0'), chart('api-service', '1.4.0')]);
      const tags = new Map([
        ['web-app', digestOf('web-app')],
        ['api-service', digestOf('api-service')],
      ]);
      expect((await runPublish(cfg, withConfirm(fake, tags))).ok).toBe(true);
      const written = [...fake.written];
      const again = await runPublish(cfg, withConfirm(fake, tags));
      expect(again.ok).toBe(true);
      expect(fake.written).toEqual(written);
      expect(again.charts.map((c) => [c.name, c.status, c.push, c.release?.draft])).toEqual([
        ['api-service', 'published', 'exists', false],
        ['web-app', 'published', 'exists', false],
      ]);
      expect(manifestSchemaProblems(JSON.parse(await readFile(again.manifest!, 'utf8')))).toEqual([]);
    });

    it('goes through every stage when one recorded output is no longer true (a tag moved)', async () => {
      const cfg = await config();
      const fake = fakeSteps([chart('web-app', '0.3.0'), chart('api-service', '1.4.0')]);
      const tags = new Map([
        ['web-app', digestOf('web-app')],
        ['api-service', digestOf('api-service')],
      ]);
      await runPublish(cfg, withConfirm(fake, tags));
      tags.set('web-app', digestOf('other content'));
      fake.written.length = 0;
      const again = await runPublish(cfg, withConfirm(fake, tags));
      expect(fake.written).toEqual(['push api-service', 'sign api-service', 'draft api-service', 'push web-app', 'sign web-app', 'draft web-app']);
      expect(again.ok).toBe(true);
    });

    it('runs no stage either when a finalize stage plans no writes (the index turned off) and so recorded nothing', async () => {
      const cfg = await config();
      const fake = fakeSteps([chart('web-app', '0.3.0')]);
      const tags = new Map([['web-app', digestOf('web-app')]]);
      let finalized = 0;
      const index: AnyStage = {
        name: 'index',
        phase: 'finalize',
        writes: () => [],
        finalize: async () => {
          finalized++;
          return new Map();
        },
      };
      const pipeline = () => {
        const p = withConfirm(fake, tags);
        return { ...p, stages: [...p.stages, index] };
      };
      expect((await runPublish(cfg, pipeline())).ok).toBe(true);
      const written = [...fake.written];
      expect((await runPublish(cfg, pipeline())).ok).toBe(true);
      expect(fake.written).toEqual(written);
      expect(finalized).toBe(1);
    });

    it('goes through every stage after a run that did not finish', async () => {
      const cfg = await config();
      const tags = new Map([['web-app', digestOf('web-app')]]);
      const failing = fakeSteps([chart('web-app', '0.3.0')], { chart: 'web-app', step: 'release' });
      expect((await runPublish(cfg, withConfirm(failing, tags))).ok).toBe(false);
      const fake = fakeSteps([chart('web-app', '0.3.0')]);
      expect((await runPublish(cfg, withConfirm(fake, tags))).ok).toBe(true);
      expect(fake.written).toEqual(['push web-app', 'sign web-app', 'draft web-app']);
    });
  });
});
