#!/usr/bin/env node
// The demo: a throwaway chart repository, a local OCI registry, and the charts of this repository
// packaged and pushed to it with the real helm, then read back.
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleChartsDir, isolatedHelm, skopeoDigest, startRegistry } from '@chart-release/testkit';

const HELP = `npm run demo: package and push this repository's example charts to a local registry.

Options:
  --keep   keep the registry running until Ctrl-C
  -h, --help
`;

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(HELP);
    return;
  }
  const registry = await startRegistry();
  const helm = await isolatedHelm(4);
  const out = await mkdtemp(join(tmpdir(), 'demo-packages-'));
  try {
    console.log(`registry: ${registry.url}`);
    const charts = (await readdir(exampleChartsDir())).sort();
    for (const chart of charts) {
      const dir = join(exampleChartsDir(), chart);
      await helm.run(['dependency', 'build', dir]);
      await helm.run(['package', dir, '--destination', out]);
    }
    for (const tgz of (await readdir(out)).filter((f) => f.endsWith('.tgz')).sort()) {
      await helm.run(['push', join(out, tgz), `oci://${registry.host}/charts`, '--plain-http']);
      const [, name, version] = /^(.*)-(\d+\.\d+\.\d+.*)\.tgz$/.exec(tgz)!;
      const digest = await skopeoDigest(`${registry.host}/charts/${name}:${version}`);
      console.log(`pushed oci://${registry.host}/charts/${name}:${version} ${digest}`);
    }
    if (process.argv.includes('--keep')) {
      console.log('registry is running; Ctrl-C to stop');
      await new Promise<void>((resolve) => process.once('SIGINT', resolve));
    }
  } finally {
    await helm.dispose();
    await registry.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${(error as Error).message}`);
  process.exit(1);
});
