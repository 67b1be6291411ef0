import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '@chart-release/oci';
import { isolatedHelm, startRegistry, startSigstoreStack, writeChart, type IsolatedHelm, type RunningRegistry, type SigstoreStack } from '@chart-release/testkit';

export const RELEASE_WORKFLOW = 'https://github.com/acme/charts/.github/workflows/release.yml@refs/heads/release';

/** A real docker-registry, the local Sigstore stack and helm v4, with charts pushed by helm. */
export interface SigningWorld {
  stack: SigstoreStack;
  registry: RunningRegistry;
  client: RegistryClient;
  helm: IsolatedHelm;
  dir: string;
  /** Packages and pushes a chart with helm; returns the .tgz path and the manifest digest the registry holds. */
  pushChart(name: string, version: string, values?: Record<string, unknown>): Promise<{ tgz: string; digest: string; repository: string }>;
  stop(): Promise<void>;
}

export async function startSigningWorld(): Promise<SigningWorld> {
  const [stack, registry, helm] = await Promise.all([startSigstoreStack(), startRegistry(), isolatedHelm(4)]);
  const dir = await mkdtemp(join(tmpdir(), 'cosign-it-'));
  const client = new RegistryClient({ registry: registry.host, plainHttp: true });
  return {
    stack,
    registry,
    client,
    helm,
    dir,
    async pushChart(name, version, values) {
      const chartDir = join(dir, `${name}-${version}-src`);
      await writeChart(chartDir, { name, version, values });
      await helm.run(['package', chartDir, '--destination', dir]);
      const tgz = join(dir, `${name}-${version}.tgz`);
      await helm.run(['push', tgz, `oci://${registry.host}/charts`, '--plain-http']);
      const repository = `charts/${name}`;
      const descriptor = await client.checkManifest(repository, version);
      if (!descriptor) throw new Error(`helm push of ${name}:${version} left no manifest`);
      return { tgz, digest: descriptor.digest, repository };
    },
    async stop() {
      await Promise.allSettled([stack.stop(), registry.stop(), helm.dispose(), rm(dir, { recursive: true, force: true })]);
    },
  };
}
