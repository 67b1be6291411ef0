#!/usr/bin/env node
// Links every workspace package's bin into node_modules/.bin, so that `npx <bin>` works in the workspace right after
// setup. npm links a workspace bin only when its target (dist/cli.js, built later) exists at install time, so it
// links none of ours; these links run the bin's source (src/cli.ts) with the Node and helm that setup installed
// (scripts/env.sh), whatever Node and PATH the caller has. Run by scripts/setup.sh after every install; `--list`
// prints the bin names.
import { chmod, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `<bin> -> source file` of every workspace package under packages/ and apps/. */
async function workspaceBins(): Promise<Map<string, string>> {
  const bins = new Map<string, string>();
  for (const parent of ['packages', 'apps']) {
    for (const name of (await readdir(join(root, parent))).sort()) {
      const manifest = join(root, parent, name, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(await readFile(manifest, 'utf8')) as { bin?: Record<string, string> };
      for (const [bin, target] of Object.entries(pkg.bin ?? {})) {
        const source = join(parent, name, target.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'));
        if (existsSync(join(root, source))) bins.set(bin, source);
      }
    }
  }
  return bins;
}

const shim = (source: string) => `#!/usr/bin/env bash
# Written by scripts/link-bins.ts: runs ${source} from source with the workspace's Node and helm.
root="$(cd "$(dirname "\${BASH_SOURCE[0]}")/../.." && pwd)"
source "$root/scripts/env.sh"
exec node --conditions=@chart-release/source "$root/${source}" "$@"
`;

const bins = await workspaceBins();
if (process.argv.includes('--list')) {
  process.stdout.write(`${[...bins.keys()].join('\n')}\n`);
  process.exit(0);
}
const dir = join(root, 'node_modules', '.bin');
await mkdir(dir, { recursive: true });
for (const [bin, source] of bins) {
  const file = join(dir, bin);
  // npm links a bin to its dist/ file when that exists at install time: replace the link, never write through it
  await rm(file, { force: true });
  await writeFile(file, shim(source));
  await chmod(file, 0o755);
}
process.stderr.write(`link-bins: ${[...bins.keys()].join(', ')} in node_modules/.bin\n`);
