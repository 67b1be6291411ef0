// Packs every publishable package of the workspace and installs the tarballs into a fresh project outside it,
// with its own npm cache, once for all test files (they read the project's folder with inject('adopterDir')).
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import type { TestProject } from 'vitest/node';

const WORKSPACE = resolve(import.meta.dirname, '../../..');

declare module 'vitest' {
  export interface ProvidedContext {
    adopterDir: string;
    packages: { name: string; dir: string; bin: Record<string, string> }[];
  }
}

/** Every non-private package of the workspace: the libraries and the app. */
async function publishablePackages() {
  const dirs: string[] = [];
  for (const parent of ['packages', 'apps']) {
    for (const entry of await readdir(join(WORKSPACE, parent))) dirs.push(join(WORKSPACE, parent, entry));
  }
  const found = [];
  for (const dir of dirs.sort()) {
    if (!existsSync(join(dir, 'package.json'))) continue;
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { name: string; private?: boolean; bin?: Record<string, string> };
    if (pkg.private) continue;
    if (!existsSync(join(dir, 'dist', 'index.js')))
      throw new Error(`${pkg.name} has no dist/index.js: run 'nx run-many -t build' first (the test target depends on it).`);
    found.push({ name: pkg.name, dir, bin: pkg.bin ?? {} });
  }
  return found;
}

export default async function setup(project: TestProject) {
  const root = await mkdtemp(join(tmpdir(), 'chart-release-adopter-'));
  const packs = join(root, 'packs');
  const adopterDir = join(root, 'project');
  await mkdir(packs);
  await mkdir(adopterDir);
  const packages = await publishablePackages();
  const npm = {
    env: { npm_config_cache: join(root, 'npm-cache'), npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
    extendEnv: true,
  };
  const packed = await execa('npm', ['pack', '--json', '--pack-destination', packs, ...packages.map((p) => p.dir)], { ...npm, cwd: WORKSPACE });
  const tarballs = (JSON.parse(packed.stdout) as { filename: string }[]).map((t) => join(packs, t.filename));
  await writeFile(join(adopterDir, 'package.json'), `${JSON.stringify({ name: 'adopter', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
  await execa('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], { ...npm, cwd: adopterDir });
  project.provide('adopterDir', adopterDir);
  project.provide('packages', packages);
  return async () => {
    if (!process.env.KEEP_ADOPTER) await rm(root, { recursive: true, force: true });
  };
}
