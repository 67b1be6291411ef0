#!/usr/bin/env node
// `npm run demo`: the release job against local components. A throwaway chart repository is made from this
// repository's charts/ with a push to `release`; a docker-registry, the GitHub emulator and a Sigstore stack
// start on 127.0.0.1; `chart-release publish` runs as it would in Actions, then runs again to show that a re-run
// changes nothing, and the release manifest is verified. What it made is kept in .demo/ to look at.
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { skopeoListTags, startReleaseSandbox } from '@chart-release/testkit';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const out = join(root, '.demo');
const cli = join(root, 'apps/atomic-release-publishing/src/cli.ts');

const HELP = `npm run demo [-- --keep]

Runs the release job (chart-release publish) against a local registry, GitHub emulator and Sigstore stack on a
throwaway chart repository made from charts/, twice (the second run changes nothing), then verifies the release
manifest. Results are kept in .demo/ (release manifest, lineage files, step summary, GitHub emulator state).

  --keep   keep the local components running until Ctrl-C, to look around with helm, skopeo or curl
`;

async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const say = (text: string) => process.stdout.write(`\n\x1b[1m▶ ${text}\x1b[0m\n`);

  say('starting a docker-registry, the GitHub emulator and a Sigstore stack on 127.0.0.1');
  const sandbox = await startReleaseSandbox({
    githubStatePath: join(out, 'github-state.json'),
  });
  try {
    // as in Actions, every step gets its own summary file (two runs in one file would repeat every heading)
    const env: Record<string, string> = { ...sandbox.env, GITHUB_OUTPUT: join(out, 'outputs.txt') };
    const summaries = [join(out, 'step-summary.md'), join(out, 'step-summary-rerun.md')];
    const run = (args: string[]) =>
      execa(process.execPath, ['--conditions=@chart-release/source', cli, ...args], { cwd: sandbox.repo.dir, env, stdio: 'inherit', reject: false });
    console.log(`  registry        ${sandbox.registryUrl}`);
    console.log(`  GitHub API      ${sandbox.github.url} (repository ${sandbox.owner}/${sandbox.name})`);
    console.log(`  Sigstore        fulcio ${sandbox.sigstore!.fulcioUrl}, rekor ${sandbox.sigstore!.rekorUrl}`);
    console.log(`  chart repo      ${sandbox.repo.dir} (push to release ${sandbox.base.slice(0, 7)}..${sandbox.head.slice(0, 7)})`);

    say('chart-release publish');
    env.GITHUB_STEP_SUMMARY = summaries[0]!;
    await writeFile(summaries[0]!, '');
    const first = await run(['publish']);
    if (first.exitCode !== 0) return first.exitCode ?? 1;

    say('chart-release publish again: everything is already there, no release or chart is written');
    // release writes: the run lease (Git refs) is taken and given back by every publish run
    const releaseWrites = () => sandbox.github.requests.filter((r) => r.method !== 'GET' && r.path.includes('/releases')).length;
    const before = releaseWrites();
    env.GITHUB_STEP_SUMMARY = summaries[1]!;
    await writeFile(summaries[1]!, '');
    const second = await run(['publish']);
    if (second.exitCode !== 0) return second.exitCode ?? 1;
    console.log(`  GitHub release writes during the re-run: ${releaseWrites() - before}`);

    say('chart-release verify .chart-release/release-manifest.json');
    const verified = await run(['verify', '.chart-release/release-manifest.json']);
    if (verified.exitCode !== 0) return verified.exitCode ?? 1;

    await cp(join(sandbox.repo.dir, '.chart-release'), join(out, 'chart-release'), { recursive: true });
    sandbox.github.save();
    say('where to look');
    for (const chart of ['api-service', 'common-lib', 'web-app']) {
      console.log(
        `  ${chart.padEnd(15)} tags in the registry: ${(await skopeoListTags(`${sandbox.registryHost}/${sandbox.owner}/${sandbox.name}/${chart}`)).join(', ')}`,
      );
    }
    console.log(`  manifest        .demo/chart-release/release-manifest.json`);
    console.log(`  lineage         .demo/chart-release/lineage/`);
    console.log(`  step summaries  .demo/step-summary.md, .demo/step-summary-rerun.md`);
    console.log(`  GitHub state    .demo/github-state.json (releases, assets, tags)`);
    const keep = process.argv.includes('--keep');
    if (keep) {
      console.log(`  releases        curl -s ${sandbox.github.url}/repos/${sandbox.owner}/${sandbox.name}/releases`);
      console.log(`  registry        skopeo list-tags --tls-verify=false docker://${sandbox.registryHost}/${sandbox.owner}/${sandbox.name}/web-app`);
      console.log('\nThe components keep running; Ctrl-C stops them.');
      await new Promise<void>((done) => process.once('SIGINT', done));
    } else {
      console.log('\nThe registry, the GitHub emulator and the Sigstore stack are stopped now; `npm run demo -- --keep` keeps them running to look around.');
    }
    return 0;
  } finally {
    await sandbox.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
