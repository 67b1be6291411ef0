import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGitHubEmulator, type FaultOptions, type GitHubEmulator } from '@chart-release/github-emulator';
import { stringify } from 'yaml';
import { exampleChartsDir } from './charts.ts';
import { startFaultProxy, type FaultSettings, type RunningFaultProxy } from './fault-proxy.ts';
import { GitRepo } from './git.ts';
import { isolatedHelm, type IsolatedHelm } from './helm.ts';
import { startRegistry, type RunningRegistry } from './registry.ts';
import { startSigstoreStack, type SigstoreStack } from './sigstore-stack.ts';
import { startTokenServer } from './token-server.ts';

export interface ReleaseSandboxOptions {
  /** Example charts to put in the repository (folder names under `sourceDir`); all by default. */
  charts?: string[];
  /** Where the charts come from; this repository's `charts/` by default. */
  sourceDir?: string;
  owner?: string;
  name?: string;
  helmMajor?: 3 | 4;
  /**
   * Registry with auth (credentials passed through CHART_RELEASE_REGISTRY_USERNAME/PASSWORD): htpasswd (Basic,
   * the default) or distribution's token auth with a token server for this one user.
   */
  registryAuth?: { username: string; password: string; kind?: 'htpasswd' | 'token' };
  /** Put a fault-injecting proxy between the release tooling and the registry. */
  registryFaults?: Partial<FaultSettings> & { latencyMs?: number };
  /** Faults of the GitHub emulator. */
  githubFaults?: FaultOptions;
  /** Write an attestation map comment into the merged pull request (default true). */
  attestationMap?: boolean;
  /** Signing mode for the generated .chart-release.yaml (default sigstore, with the local stack). */
  signing?: 'sigstore' | 'none';
  /** Keep the GitHub emulator's state in this JSON file (to inspect it afterwards). */
  githubStatePath?: string;
  /** Serve the GitHub API as Enterprise Server does (under /api/v3, uploads under /api/uploads). */
  githubEnterprise?: boolean;
}

/** A chart repository with a push to `release`, and every real component the release job talks to. */
export interface ReleaseSandbox {
  repo: GitRepo;
  registry: RunningRegistry;
  /** The registry host the tooling uses (the proxy's when faults are on). */
  registryHost: string;
  proxy?: RunningFaultProxy;
  github: GitHubEmulator;
  sigstore?: SigstoreStack;
  helm: IsolatedHelm;
  owner: string;
  name: string;
  base: string;
  head: string;
  /** The certificate identity of the release workflow (what signatures are verified against). */
  identity: string;
  issuer?: string;
  /** `oci://host/owner/charts`. */
  registryUrl: string;
  /** The environment of a release job run (as GitHub Actions sets it, pointing at the local components). */
  env: Record<string, string>;
  /** A second push to `release`: commits `change` on a branch, merges it with a PR; returns the new head. */
  push(message: string, change: (repo: GitRepo) => Promise<void>): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The attestation map block earlier pipeline stages post in a pull request: the marker comment and a fenced JSON
 * document (format v1, packages/attestation-map/README.md). Written out here so the test kit does not depend on
 * the library it helps test.
 */
function attestationMapBlock(map: unknown): string {
  return `<!-- chart-release:attestation-map v1 -->\n\`\`\`json\n${JSON.stringify(map, null, 2)}\n\`\`\`\n`;
}

/** The claims GitHub puts in the OIDC token of a push-triggered run of `workflowRef` (job_workflow_ref included). */
function actionsClaims(owner: string, name: string, workflowRef: string, sha: string): Record<string, string> {
  return {
    repository: `${owner}/${name}`,
    repository_owner: owner,
    repository_id: '100200',
    repository_owner_id: '300400',
    ref: 'refs/heads/release',
    sha,
    event_name: 'push',
    workflow_ref: workflowRef,
    job_workflow_ref: workflowRef,
    runner_environment: 'github-hosted',
    run_id: '4242',
    run_attempt: '1',
  };
}

/** Starts a registry, the GitHub emulator and the Sigstore stack, and makes a chart repository with a release push. */
export async function startReleaseSandbox(options: ReleaseSandboxOptions = {}): Promise<ReleaseSandbox> {
  const owner = options.owner ?? 'acme';
  const name = options.name ?? 'charts';
  const source = options.sourceDir ?? exampleChartsDir();
  const charts = options.charts ?? ['api-service', 'common-lib', 'web-app'];
  const workflowRef = `${owner}/${name}/.github/workflows/atomic-release-publishing.yaml@refs/heads/release`;
  const identity = `https://github.com/${workflowRef}`;
  const stops: (() => Promise<unknown>)[] = [];
  try {
    const auth = options.registryAuth;
    const tokens = auth?.kind === 'token' ? await startTokenServer({ users: { [auth.username]: auth.password } }) : undefined;
    if (tokens) stops.push(() => tokens.stop());
    const [registry, helm, sigstore, repo] = await Promise.all([
      startRegistry(tokens ? { tokenAuth: tokens } : { basicAuth: auth }),
      isolatedHelm(options.helmMajor ?? 4),
      options.signing === 'none' ? Promise.resolve(undefined) : startSigstoreStack(),
      GitRepo.create({ branch: 'main' }),
    ]);
    stops.push(
      () => registry.stop(),
      () => helm.dispose(),
      () => repo.dispose(),
    );
    if (sigstore) stops.push(() => sigstore.stop());
    const rf = options.registryFaults;
    const proxy = rf
      ? await startFaultProxy({
          target: registry.url,
          latencyMs: rf.latencyMs,
          faults: rf.rate
            ? { rate: rf.rate, kinds: rf.kinds ?? ['503', '429', 'reset'], seed: rf.seed, maxConsecutive: rf.maxConsecutive, only: rf.only }
            : undefined,
          maxRequests: 100_000,
        })
      : undefined;
    if (proxy) stops.push(() => proxy.stop());
    const registryHost = proxy?.host ?? registry.host;

    // history: the charts at 0.0.1 on main and release, then a pull request that bumps them, merged into release
    for (const chart of charts) {
      await repo.copyIn(join(source, chart), `charts/${chart}`);
      await repo.write(`charts/${chart}/Chart.yaml`, (await repo.read(`charts/${chart}/Chart.yaml`)).replace(/^version:.*$/m, 'version: 0.0.1'));
    }
    await repo.write('README.md', `# ${owner}/${name}\n`);
    const base = await repo.commit('Add charts');
    await repo.checkout('release', { create: true });
    const prCommits: string[] = [];
    const merge = async (branch: string, message: string, change: (r: GitRepo) => Promise<void>) => {
      await repo.checkout(branch, { create: true });
      await change(repo);
      prCommits.push(await repo.commit(message));
      await repo.checkout('release');
      return repo.merge(branch, `Merge pull request #${7 + pullNumber} from ${owner}/${branch}`);
    };
    let pullNumber = 0;
    const head = await merge('bump-charts', 'Release the charts', async (r) => {
      for (const chart of charts) await r.copyIn(join(source, chart), `charts/${chart}`);
    });

    const github = await startGitHubEmulator({
      faults: options.githubFaults,
      rateLimit: false,
      statePath: options.githubStatePath,
      enterprise: options.githubEnterprise,
    });
    stops.push(() => github.stop());
    const log = await repo.git('log', '--format=%H%x09%P%x09%s', '--reverse', 'release');
    const commits = log.split('\n').map((line) => {
      const [sha, parents, message] = line.split('\t');
      return { sha: sha!, parents: parents ? parents.split(' ') : [], message: message ?? '' };
    });
    const map = {
      version: 1,
      charts: Object.fromEntries(
        charts.map((c, i) => [
          c,
          {
            attestations: [
              {
                stage: 'test',
                subjectDigest: `sha256:${(i + 1).toString(16).repeat(64).slice(0, 64)}`,
                predicateType: 'https://slsa.dev/provenance/v1',
                url: `https://github.com/${owner}/${name}/attestations/${1000 + i}`,
                workflowRun: { id: 9000 + i, url: `https://github.com/${owner}/${name}/actions/runs/${9000 + i}`, workflow: 'ci' },
              },
            ],
          },
        ]),
      ),
    };
    github.seed({
      users: [{ login: 'maintainer' }, { login: 'reviewer' }, { login: 'github-actions[bot]', type: 'Bot' }],
      repos: [
        {
          owner,
          name,
          defaultBranch: 'main',
          commits,
          branches: { release: head, main: base },
          pulls: [
            {
              number: 7,
              title: 'Release the charts',
              body: 'Bumps the charts for release.',
              state: 'closed',
              head: { sha: prCommits[0]!, ref: 'bump-charts' },
              base: { ref: 'release' },
              merged: true,
              merge_commit_sha: head,
              user: { login: 'maintainer' },
              commits: prCommits,
              reviews: [{ user: { login: 'reviewer' }, state: 'APPROVED', commit_id: prCommits[0]! }],
              comments:
                options.attestationMap === false
                  ? []
                  : [{ body: `Attestations of this pull request:\n\n${attestationMapBlock(map)}`, user: { login: 'github-actions[bot]', type: 'Bot' } }],
            },
          ],
        },
      ],
    });

    const work = await mkdtemp(join(tmpdir(), 'release-job-'));
    stops.push(() => rm(work, { recursive: true, force: true }));
    const eventPath = join(work, 'event.json');
    await writeFile(eventPath, JSON.stringify({ ref: 'refs/heads/release', before: base, after: head }));
    const registryUrl = `oci://${registryHost}/${owner}/${name}`;
    const config: Record<string, unknown> = {
      registry: registryUrl,
      plainHttp: true,
      signing: sigstore
        ? { mode: 'sigstore', fulcioUrl: sigstore.fulcioUrl, rekorUrl: sigstore.rekorUrl, trustedRoot: sigstore.trustedRootPath, issuer: sigstore.oidc.issuer }
        : { mode: 'none' },
      lineage: { allowedAuthors: ['github-actions[bot]'], onMissingPr: 'warn' },
    };
    await writeFile(join(repo.dir, '.chart-release.yaml'), stringify(config));
    const env: Record<string, string> = {
      ...helm.env,
      HELM_BINARY: helm.binary,
      GITHUB_ACTIONS: 'false',
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_TOKEN: github.token,
      GITHUB_REPOSITORY: `${owner}/${name}`,
      GITHUB_REPOSITORY_OWNER: owner,
      GITHUB_WORKFLOW_REF: workflowRef,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_REF_NAME: 'release',
      GITHUB_SHA: head,
      GITHUB_RUN_ID: '4242',
      GITHUB_ACTOR: 'maintainer',
      CHART_RELEASE_GITHUB_WRITE_INTERVAL_MS: '0',
      // the backoff between retries, a fiftieth of production's: injected faults are absorbed in seconds
      CHART_RELEASE_RETRY_DELAY_SCALE: '0.02',
      // the claims of a GitHub Actions OIDC token of this workflow run (build provenance is made from them)
      ...(sigstore
        ? { SIGSTORE_ID_TOKEN: sigstore.oidc.mintToken({ sub: identity, ttlSeconds: 3600, claims: actionsClaims(owner, name, workflowRef, head) }) }
        : {}),
      ...(options.registryAuth
        ? { CHART_RELEASE_REGISTRY_USERNAME: options.registryAuth.username, CHART_RELEASE_REGISTRY_PASSWORD: options.registryAuth.password }
        : {}),
    };

    return {
      repo,
      registry,
      registryHost,
      proxy,
      github,
      sigstore,
      helm,
      owner,
      name,
      base,
      head,
      identity,
      issuer: sigstore?.oidc.issuer,
      registryUrl,
      env,
      async push(message, change) {
        const before = await repo.head();
        pullNumber++;
        const after = await merge(`change-${pullNumber}`, message, change);
        await writeFile(eventPath, JSON.stringify({ ref: 'refs/heads/release', before, after }));
        env.GITHUB_SHA = after;
        const newCommits = (await repo.git('log', '--format=%H%x09%P%x09%s', '--reverse', `${before}..${after}`)).split('\n').map((line) => {
          const [sha, parents, msg] = line.split('\t');
          return { sha: sha!, parents: parents ? parents.split(' ') : [], message: msg ?? '' };
        });
        github.seed({
          repos: [
            {
              owner,
              name,
              commits: newCommits,
              branches: { release: after },
              pulls: [
                {
                  number: 7 + pullNumber,
                  title: message,
                  state: 'closed',
                  head: { sha: prCommits.at(-1)!, ref: `change-${pullNumber}` },
                  base: { ref: 'release' },
                  merged: true,
                  merge_commit_sha: after,
                  user: { login: 'maintainer' },
                  commits: [prCommits.at(-1)!],
                },
              ],
            },
          ],
        });
        return after;
      },
      async stop() {
        for (const stop of stops.reverse()) await stop().catch(() => undefined);
      },
    };
  } catch (error) {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    throw error;
  }
}
