import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import type { PublishReport } from './report.ts';
import { renderStepSummary, type SummaryContext } from './step-summary.ts';

const D = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const BASE = '1111111111111111111111111111111111111111';
const HEAD = '2222222222222222222222222222222222222222';
const context: SummaryContext = {
  serverUrl: 'https://github.com',
  runUrl: 'https://github.com/Acme/charts/actions/runs/4242',
  signing: {
    identity: 'https://github.com/Acme/charts/.github/workflows/release.yaml@refs/heads/release',
    issuer: 'https://token.actions.githubusercontent.com',
  },
  manifest: '.chart-release/release-manifest.json',
};
const common = { dryRun: false, repository: 'Acme/charts', registry: 'oci://ghcr.io/acme/charts', base: BASE, head: HEAD, errors: [], warnings: [] };
const release = (tag: string, draft = false) => ({ tag, url: `https://github.com/Acme/charts/releases/tag/${tag}`, draft });

const published: PublishReport = {
  ...common,
  ok: true,
  manifest: '/work/charts/.chart-release/release-manifest.json',
  charts: [
    {
      name: 'api-service',
      version: '1.4.0',
      path: 'charts/api-service',
      status: 'published',
      why: 'changed, version 1.3.2 -> 1.4.0; dependency common-lib changed',
      ref: 'ghcr.io/acme/charts/api-service:1.4.0',
      digest: D(1),
      push: 'pushed',
      signature: { mode: 'sigstore', referrer: D(3) },
      lineage: '/work/charts/.chart-release/lineage/api-service-attestation-lineage.json',
      release: release('api-service-v1.4.0'),
    },
    {
      name: 'common-lib',
      version: '0.3.0',
      path: 'charts/common-lib',
      type: 'library',
      status: 'published',
      why: 'new chart, version 0.3.0',
      ref: 'ghcr.io/acme/charts/common-lib:0.3.0',
      digest: D(2),
      push: 'exists',
      signature: { mode: 'sigstore', referrer: D(4) },
      lineage: '/work/charts/.chart-release/lineage/common-lib-attestation-lineage.json',
      release: release('common-lib-v0.3.0'),
    },
    { name: 'old-chart', version: '', path: 'charts/old-chart', status: 'not-released', why: 'deleted' },
  ],
  warnings: ['common-lib: no CHANGELOG.md section for 0.3.0; the notes list the commits instead'],
};

const failed: PublishReport = {
  ...common,
  ok: false,
  charts: [
    {
      name: 'api-service',
      version: '1.4.0',
      path: 'charts/api-service',
      status: 'skipped',
      why: 'draft deleted after another chart failed',
      ref: 'ghcr.io/acme/charts/api-service:1.4.0',
      digest: D(1),
      push: 'pushed',
      signature: { mode: 'sigstore', referrer: D(3) },
      lineage: 'x',
      deletedDraft: 'api-service-v1.4.0',
    },
    {
      name: 'web-app',
      version: '0.3.0',
      path: 'charts/web-app',
      status: 'failed',
      why: 'new chart, version 0.3.0',
      error: {
        code: 'GITHUB_UNAVAILABLE',
        message: 'upload of web-app-0.3.0.tgz failed: 502 Bad Gateway',
        chart: 'web-app',
        hint: 're-run the job; finished steps are not repeated.',
      },
    },
    { name: 'worker', version: '2.0.0', path: 'charts/worker', status: 'skipped', why: 'another chart failed' },
  ],
  errors: [
    {
      code: 'GITHUB_UNAVAILABLE',
      message: 'upload of web-app-0.3.0.tgz failed: 502 Bad Gateway',
      chart: 'web-app',
      hint: 're-run the job; finished steps are not repeated.',
    },
  ],
  resume: 'No release was published. Fix the problem and re-run the job: finished steps are not repeated.',
};

const plan: PublishReport = {
  ...common,
  ok: true,
  dryRun: true,
  charts: [{ name: 'web-app', version: '0.3.0+build.1', path: 'charts/web-app', status: 'planned', why: 'new chart, version 0.3.0+build.1' }],
};

describe('the step summary', () => {
  it('of a published run, rendered as GitHub renders Markdown, matches the reviewed snapshot', async () => {
    await expect(await marked.parse(renderStepSummary(published, context))).toMatchFileSnapshot('__snapshots__/step-summary-published.html');
  });

  it('of a failed run says what was done, what was undone and how a re-run resumes', async () => {
    await expect(await marked.parse(renderStepSummary(failed, context))).toMatchFileSnapshot('__snapshots__/step-summary-failed.html');
  });

  it('of a plan names what would be pushed', async () => {
    await expect(await marked.parse(renderStepSummary(plan, context))).toMatchFileSnapshot('__snapshots__/step-summary-plan.html');
  });

  it('names every chart with its full digest, install and verify commands, and no heading twice', () => {
    const text = renderStepSummary(published, context);
    expect(text).toContain(`\`${D(1)}\``);
    expect(text).toContain('helm install api-service oci://ghcr.io/acme/charts/api-service --version 1.4.0');
    expect(text).toContain('- name: common-lib');
    expect(text).not.toContain('helm install common-lib');
    expect(text).toContain(`cosign verify ghcr.io/acme/charts/common-lib@${D(2)} --certificate-identity ${context.signing!.identity}`);
    expect(text).toContain('(https://github.com/Acme/charts/releases/download/common-lib-v0.3.0/common-lib-attestation-lineage.json)');
    const headings = text.split('\n').filter((l) => l.startsWith('#'));
    expect(new Set(headings).size).toBe(headings.length);
  });

  it('notes the charts depending by name on a released chart', () => {
    const message = 'web depends on common-lib 0.2.*; common-lib 0.3.0 is released in this push';
    const text = renderStepSummary({ ...published, notes: [{ chart: 'web', dependency: 'common-lib', message }] }, context);
    expect(text).toContain(`### Notes\n\n- ${message}.\n`);
  });

  it('lists a warning once', () => {
    const text = renderStepSummary({ ...published, warnings: ['a: same', 'a: same'] }, context);
    expect(text.split('a: same')).toHaveLength(2);
  });
});
