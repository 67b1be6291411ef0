import { randomBytes, scryptSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
import { RegistryClient } from '@chart-release/oci';
import {
  isolatedHelm,
  startRegistry,
  startSigstoreStack,
  writeChart,
  type IsolatedHelm,
  type RunningRegistry,
  type SigstoreStack,
} from '@chart-release/testkit';

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

/**
 * A private key in the format `cosign generate-key-pair` writes (specs/KEY_SPEC.md in sigstore/cosign): PEM type
 * ENCRYPTED SIGSTORE PRIVATE KEY around JSON naming scrypt and a NaCl secretbox that holds the PKCS#8 DER. `N` is
 * cosign's 65536 unless a test wants it faster.
 */
export function cosignKeyPem(privateKey: KeyObject, password: string, N = 65536): string {
  const salt = randomBytes(32);
  const nonce = randomBytes(24);
  const key = scryptSync(password, salt, 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 + 1024 * 1024 });
  const ciphertext = xsalsa20poly1305(key, nonce).encrypt(privateKey.export({ format: 'der', type: 'pkcs8' }));
  const body = JSON.stringify({
    kdf: { name: 'scrypt', params: { N, r: 8, p: 1 }, salt: salt.toString('base64') },
    cipher: { name: 'nacl/secretbox', nonce: nonce.toString('base64') },
    ciphertext: Buffer.from(ciphertext).toString('base64'),
  });
  const lines = Buffer.from(body)
    .toString('base64')
    .match(/.{1,64}/g)!;
  return ['-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----', ...lines, '-----END ENCRYPTED SIGSTORE PRIVATE KEY-----', ''].join('\n');
}
