import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const OUT = '.cache/e2e/chart-release.mjs';

/** The chart-release CLI the e2e tests start: this checkout's sources, bundled once per test run. */
export const BUNDLED_CLI = join(root, OUT);

/**
 * Vitest's global setup of the e2e project. Every e2e test starts chart-release as a real process; from source each
 * start strips the types of some two hundred modules and resolves thousands of dependency files, seconds on a busy
 * 2-core runner. Bundled by the same esbuild build as the Action's bundle (the one `import.meta.url` rewrite
 * included), a start reads one file.
 */
export default async function setup(): Promise<void> {
  // the repository's bundler (scripts/ is no project of its own, so it is loaded by path)
  const { bundleText } = (await import(pathToFileURL(join(root, 'scripts/bundle.ts')).href)) as {
    bundleText(entry: { out: string; contents: string }): Promise<string>;
  };
  const text = await bundleText({ out: OUT, contents: "import './apps/atomic-release-publishing/src/cli.ts';" });
  await mkdir(dirname(BUNDLED_CLI), { recursive: true });
  const partial = `${BUNDLED_CLI}.${process.pid}`;
  await writeFile(partial, text);
  await rename(partial, BUNDLED_CLI);
}
