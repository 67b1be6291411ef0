import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Octokit } from '@octokit/rest';
import { verifyAttestation, verifyByDigest } from '@chart-release/cosign';
import { RegistryClient } from '@chart-release/oci';
import { skopeoDigest, startReleaseSandbox, type ReleaseSandbox } from '@chart-release/testkit';
import { observedGitHubWrites, observedRegistryWrites, writeKey, type Write } from './observed-writes.ts';
import { chartRelease } from './run-cli.ts';

const CHARTS = ['api-service', 'common-lib', 'web-app'];

describe('chart-release publish on a push to release', () => {
  let sandbox: ReleaseSandbox;
  let octokit: Octokit;
  let first: { report: { writes: Write[]; charts: { name: string; digest: string }[] }; requests: typeof sandbox.github.requests };
  const client = () => new RegistryClient({ registry: sandbox.registryHost, plainHttp: true });
  const policy = () => ({
    predicateType: 'https://slsa.dev/provenance/v1',
    policy: { certificateIdentity: sandbox.identity, issuer: sandbox.issuer! },
    sourceRepository: `https://github.com/${sandbox.owner}/${sandbox.name}`,
    trustedRootPath: sandbox.sigstore!.trustedRootPath,
  });
  /** gh attestation verify's policy: the attestations GitHub holds for the digest, one of which must pass. */
  const ghAttestationVerify = async (digest: string) => {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/attestations/{subject_digest}', {
      owner: sandbox.owner,
      repo: sandbox.name,
      subject_digest: digest,
    });
    const bundles = (data as { attestations: { bundle: Record<string, unknown> }[] }).attestations.map((a, i) => ({
      bundle: a.bundle,
      source: `GitHub attestation ${i + 1}`,
    }));
    return verifyAttestation({ ...policy(), digest, bundles });
  };

  beforeAll(async () => {
    sandbox = await startReleaseSandbox();
    octokit = new Octokit({ baseUrl: sandbox.github.url, auth: sandbox.github.token });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('releases every changed chart with every asset, signed, with lineage and a manifest that verifies', async () => {
    const before = sandbox.github.requests.length;
    const run = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(run.exitCode, run.all).toBe(0);
    const report = JSON.parse(run.stdout);
    first = { report, requests: sandbox.github.requests.slice(before) };
    expect(report.ok).toBe(true);
    expect(report.charts.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual(CHARTS.map((c) => [c, 'published']));

    const { data: releases } = await octokit.rest.repos.listReleases({ owner: sandbox.owner, repo: sandbox.name });
    expect(releases.map((r) => r.tag_name).sort()).toEqual(['api-service-v1.4.0', 'common-lib-v1.0.0', 'web-app-v0.3.0']);
    for (const release of releases) {
      expect(release.draft).toBe(false);
      const chart = release.tag_name.replace(/-v[\d.]+$/, '');
      const version = release.tag_name.slice(chart.length + 2);
      expect(release.assets.map((a) => a.name).sort()).toEqual(
        [
          `${chart}-${version}.tgz`,
          `${chart}-${version}.tgz.sig`,
          `${chart}-${version}.tgz.sigstore.json`,
          `${chart}-attestation-lineage.json`,
          'CHANGELOG.md',
          'LICENSE',
          'README.md',
        ].sort(),
      );
      const reported = report.charts.find((c: { name: string }) => c.name === chart);
      if (chart === 'common-lib') {
        // a library chart cannot be installed: its notes show how to depend on it
        expect(release.body).not.toContain('helm install');
        expect(release.body).toContain(
          `dependencies:\n  - name: ${chart}\n    version: "${version}"\n    repository: oci://${sandbox.registryHost}/acme/charts\n`,
        );
      } else {
        expect(release.body).toContain(`helm install ${chart} oci://${sandbox.registryHost}/acme/charts/${chart} --version ${version}`);
      }
      expect(release.body).toContain(reported.digest);
      // the registry, read independently, holds the digest the release names
      expect(await skopeoDigest(`${sandbox.registryHost}/acme/charts/${chart}:${version}`)).toBe(reported.digest);
    }
    const webApp = releases.find((r) => r.tag_name === 'web-app-v0.3.0')!;
    expect(webApp.body).toContain('Optional Ingress');

    const manifestPath = join(sandbox.repo.dir, '.chart-release', 'release-manifest.json');
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
    expect(manifest.artifacts).toHaveLength(3);
    const lineage = JSON.parse(await readFile(join(sandbox.repo.dir, '.chart-release', 'lineage', 'web-app-attestation-lineage.json'), 'utf8'));
    expect(lineage).toMatchObject({ chart: 'web-app', version: '0.3.0', pullRequest: { number: 7 }, attestations: [{ stage: 'test' }] });

    const verify = await chartRelease(['verify', manifestPath, '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(verify.exitCode, verify.all).toBe(0);
    expect(JSON.parse(verify.stdout).charts.every((a: { ok: boolean }) => a.ok)).toBe(true);
  });

  it('makes exactly the writes its plan lists: at the registry and in GitHub, no more, no fewer', async () => {
    const planned = first.report.writes;
    // plan --json, run on its own, lists the same writes the publish run reported
    const plan = await chartRelease(['plan', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(plan.exitCode, plan.all).toBe(0);
    expect(JSON.parse(plan.stdout).writes.map(writeKey).sort()).toEqual(planned.map(writeKey).sort());

    const refOf = (chart: string) => planned.find((w) => w.stage === 'pushed' && w.chart === chart)!.target;
    const digestOf = (chart: string) => first.report.charts.find((c) => c.name === chart)!.digest;
    const charts = CHARTS.map((c) => ({ ref: refOf(c), digest: digestOf(c) }));
    const chartOfDigest = (digest: string) => CHARTS.find((c) => digestOf(c) === digest) ?? digest;
    const observed = [
      ...(await observedRegistryWrites(client(), charts)),
      ...(await observedGitHubWrites(first.requests, octokit, { owner: sandbox.owner, repo: sandbox.name }, (d) => refOf(chartOfDigest(d)))),
    ];
    expect([...new Set(observed)].sort()).toEqual([...new Set(planned.map(writeKey))].sort());
    // every kind of write the run makes is there: the comparison is not of two empty lists
    expect(new Set(planned.map((w) => w.kind))).toEqual(
      new Set(['tag', 'referrer', 'attestation', 'release', 'asset', 'publish', 'pages-commit', 'tag-object', 'ref']),
    );
  });

  it("holds, for every published digest, SLSA provenance that passes gh's policy, its referrer, and a .sig signature", async () => {
    const manifest = JSON.parse(await readFile(join(sandbox.repo.dir, '.chart-release', 'release-manifest.json'), 'utf8'));
    // the manifest records the identity and issuer the certificate states
    expect(manifest.signing).toEqual({ mode: 'sigstore', identity: sandbox.identity, issuer: sandbox.issuer });
    const digests = new Map<string, string>();
    expect(manifest.artifacts.map((a: { name: string }) => a.name).sort()).toEqual(CHARTS);
    for (const { name: chart, digest } of manifest.artifacts as { name: string; digest: string }[]) {
      digests.set(chart, digest);
      const repository = `acme/charts/${chart}`;
      // gh attestation verify oci://...@digest --repo acme/charts: by digest from the API, against the trust root
      const verified = await ghAttestationVerify(digest);
      expect(verified.statement.subject).toEqual([{ name: `${sandbox.registryHost}/${repository}`, digest: { sha256: digest.slice(7) } }]);
      expect(verified.statement.predicate).toMatchObject({
        runDetails: { builder: { id: sandbox.identity } },
        buildDefinition: { resolvedDependencies: [{ digest: { gitCommit: sandbox.head } }] },
      });
      // the registry holds it as a referrer (cosign verify-attestation --type slsaprovenance1 reads it there)
      const referrer = await verifyAttestation({ ...policy(), registryClient: client(), repository, digest, predicateType: 'slsaprovenance1' });
      expect(referrer.source).toMatch(/^attestation sha256:/);
      // and the cosign v2 signature at the .sig tag verifies with its certificate and names the digest
      const legacy = await verifyByDigest({
        registryClient: client(),
        repository,
        digest,
        policy: { certificateIdentity: sandbox.identity, issuer: sandbox.issuer! },
        trustedRootPath: sandbox.sigstore!.trustedRootPath,
        layout: 'legacy',
      });
      expect(legacy).toMatchObject({ layout: 'legacy', digest, signatureTag: `${digest.replace(':', '-')}.sig` });
    }
    // one chart's attestation is refused for another chart's digest
    const [webApp, commonLib] = [digests.get('web-app')!, digests.get('common-lib')!];
    const { data } = await octokit.request('GET /repos/{owner}/{repo}/attestations/{subject_digest}', {
      owner: sandbox.owner,
      repo: sandbox.name,
      subject_digest: webApp,
    });
    const bundle = (data as { attestations: { bundle: Record<string, unknown> }[] }).attestations[0]!.bundle;
    await expect(verifyAttestation({ ...policy(), digest: commonLib, bundles: [{ bundle, source: 'web-app attestation' }] })).rejects.toMatchObject({
      code: 'SIGNATURE_INVALID',
    });
  });

  it('changes nothing when run again: its only writes are the run lease it takes and gives back', async () => {
    const before = sandbox.github.requests.length;
    const run = await chartRelease(['publish', '--json'], { cwd: sandbox.repo.dir, env: sandbox.env });
    expect(run.exitCode, run.all).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.charts.every((c: { push: string }) => c.push === 'exists')).toBe(true);
    const writes = sandbox.github.requests.slice(before).filter((r) => r.method !== 'GET');
    // the lease: tag objects recording the holder and refs under refs/chart-release/leases, nothing else
    const leaseWrite = (r: (typeof writes)[number]) =>
      (r.operationId === 'git/create-tag' && (r.body as { tag?: string } | undefined)?.tag?.startsWith('lease-') === true) ||
      decodeURIComponent(r.path).includes('refs/chart-release/leases/') ||
      (r.operationId === 'git/create-ref' && (r.body as { ref?: string } | undefined)?.ref?.startsWith('refs/chart-release/leases/') === true);
    expect(writes.filter((r) => !leaseWrite(r))).toEqual([]);
    expect(writes.length).toBeGreaterThan(0);
    const { data: releases } = await octokit.rest.repos.listReleases({ owner: sandbox.owner, repo: sandbox.name });
    expect(releases).toHaveLength(3);
  });
});
