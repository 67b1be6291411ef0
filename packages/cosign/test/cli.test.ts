import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigner, provenanceStatementFor } from '../src/index.ts';
import { RELEASE_WORKFLOW, startSigningWorld, type SigningWorld } from './fixtures.ts';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
let world: SigningWorld;
let chart: { tgz: string; digest: string; repository: string };
let ref: string;

const chartSign = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, ['--conditions=@chart-release/source', CLI, ...args], {
    reject: false,
    env: { SIGSTORE_ID_TOKEN: '', ACTIONS_ID_TOKEN_REQUEST_URL: '', ...env },
  });
const stack = () => ['--fulcio-url', world.stack.fulcioUrl, '--rekor-url', world.stack.rekorUrl, '--trusted-root', world.stack.trustedRootPath, '--plain-http'];

beforeAll(async () => {
  world = await startSigningWorld();
  chart = await world.pushChart('redis', '3.1.0');
  ref = `${world.registry.host}/${chart.repository}@${chart.digest}`;
});
afterAll(async () => {
  await world?.stop();
});

describe('chart-sign', () => {
  it('--dry-run signs nothing', async () => {
    const r = await chartSign(['sign', ref, '--mode', 'sigstore', '--dry-run', '--json', ...stack()]);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ok: true, charts: [{ ref, mode: 'sigstore', status: 'would-sign' }], errors: [], warnings: [], dryRun: true });
    expect((await world.client.referrers(chart.repository, chart.digest)).manifests).toEqual([]);
  });

  it('signs a digest and verifies it, printing JSON results without the token', async () => {
    const token = world.stack.oidc.mintToken({ sub: RELEASE_WORKFLOW });
    const signed = await chartSign(['sign', ref, '--mode', 'sigstore', '--json', ...stack()], { SIGSTORE_ID_TOKEN: token });
    expect(signed.exitCode, signed.stderr).toBe(0);
    expect(JSON.parse(signed.stdout).charts[0]).toMatchObject({ ref, status: 'signed', identity: RELEASE_WORKFLOW });
    expect(signed.stdout + signed.stderr).not.toContain(token);

    const verified = await chartSign([
      'verify',
      ref,
      '--certificate-identity',
      RELEASE_WORKFLOW,
      '--certificate-oidc-issuer',
      world.stack.oidc.issuer,
      '--trusted-root',
      world.stack.trustedRootPath,
      '--plain-http',
    ]);
    expect(verified.exitCode, verified.stderr).toBe(0);
    expect(verified.stdout).toContain(`verified    ${ref}  by ${RELEASE_WORKFLOW}`);
  });

  it('exits 1 with UNTRUSTED_SIGNER for another identity', async () => {
    const r = await chartSign([
      'verify',
      ref,
      '--certificate-identity',
      'https://github.com/evil/x/.github/workflows/r.yml@refs/heads/main',
      '--certificate-oidc-issuer',
      world.stack.oidc.issuer,
      '--trusted-root',
      world.stack.trustedRootPath,
      '--plain-http',
      '--json',
    ]);
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout).errors[0].code).toBe('UNTRUSTED_SIGNER');
  });

  it('signs and verifies a .tgz as a blob', async () => {
    const token = world.stack.oidc.mintToken({ sub: RELEASE_WORKFLOW });
    expect((await chartSign(['sign-blob', chart.tgz, '--mode', 'sigstore', ...stack()], { SIGSTORE_ID_TOKEN: token })).exitCode).toBe(0);
    const r = await chartSign([
      'verify-blob',
      chart.tgz,
      '--certificate-identity-regexp',
      '^https://github.com/acme/',
      '--certificate-oidc-issuer',
      world.stack.oidc.issuer,
      '--trusted-root',
      world.stack.trustedRootPath,
      '--json',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).charts[0]).toMatchObject({ file: chart.tgz, status: 'verified', certificateIdentity: RELEASE_WORKFLOW });
  });

  it('verify-attestation checks a provenance referrer by digest, and a bundle file for a file', async () => {
    const workflowRef = RELEASE_WORKFLOW.replace('https://github.com/', '');
    const claims = {
      repository: 'acme/charts',
      repository_id: '1',
      repository_owner_id: '2',
      ref: 'refs/heads/release',
      sha: 'a'.repeat(40),
      event_name: 'push',
      workflow_ref: workflowRef,
      job_workflow_ref: workflowRef,
      runner_environment: 'github-hosted',
      run_id: '7',
      run_attempt: '1',
    };
    const token = world.stack.oidc.mintToken({ sub: RELEASE_WORKFLOW, claims });
    const statement = await provenanceStatementFor({ subjectName: `${world.registry.host}/${chart.repository}`, digest: chart.digest, identityToken: token });
    const { bundle } = await createSigner({
      mode: 'sigstore',
      fulcioUrl: world.stack.fulcioUrl,
      rekorUrl: world.stack.rekorUrl,
      identityToken: token,
    }).attestByDigest({ registryClient: world.client, repository: chart.repository, digest: chart.digest, statement });
    const policy = [
      '--certificate-identity',
      RELEASE_WORKFLOW,
      '--certificate-oidc-issuer',
      world.stack.oidc.issuer,
      '--trusted-root',
      world.stack.trustedRootPath,
    ];
    const byDigest = await chartSign([
      'verify-attestation',
      ref,
      '--type',
      'slsaprovenance1',
      '--source-repository',
      'https://github.com/acme/charts',
      ...policy,
      '--plain-http',
      '--json',
    ]);
    expect(byDigest.exitCode, byDigest.stderr).toBe(0);
    expect(JSON.parse(byDigest.stdout).charts[0]).toMatchObject({
      ref,
      status: 'verified',
      predicateType: 'https://slsa.dev/provenance/v1',
      certificateIdentity: RELEASE_WORKFLOW,
    });
    const foreign = await chartSign([
      'verify-attestation',
      ref,
      '--type',
      'slsaprovenance1',
      '--source-repository',
      'https://github.com/evil/charts',
      ...policy,
      '--plain-http',
      '--json',
    ]);
    expect(foreign.exitCode).toBe(1);
    expect(JSON.parse(foreign.stdout).errors[0].code).toBe('UNTRUSTED_SIGNER');

    // the manifest bytes as a file: its sha256 is the digest the statement names
    const file = join(world.dir, 'manifest.json');
    await writeFile(file, (await world.client.getManifest(chart.repository, chart.digest)).bytes);
    await writeFile(`${file}.intoto.jsonl`, `${JSON.stringify(bundle)}\n`);
    const byFile = await chartSign(['verify-attestation', file, '--bundle', `${file}.intoto.jsonl`, '--type', 'https://slsa.dev/provenance/v1', ...policy]);
    expect(byFile.exitCode, byFile.stderr).toBe(0);
    expect(byFile.stdout).toContain(`verified    ${file}  by ${RELEASE_WORKFLOW}`);
  });

  it('requires a policy to verify', async () => {
    const r = await chartSign(['verify', ref, '--certificate-identity', RELEASE_WORKFLOW]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('--certificate-oidc-issuer');
  });
});
