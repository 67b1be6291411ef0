import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isolatedHelm, type IsolatedHelm } from '@chart-release/testkit';
import { emptyHelmIndex, mergeIntoHelmIndex, type IndexAddition } from '../src/index.ts';

const BASE_URL = 'https://github.com/acme/charts/releases/download';

// charts whose metadata exercise every quoting, folding and ordering rule of the index
const CHARTS: Record<string, string> = {
  tricky: `apiVersion: v2
name: tricky
version: 1.2.3-rc.1+build.5
appVersion: "1.0"
description: "A very long description that goes on and on past the eighty column limit of the yaml emitter, with: colons # and hashes"
type: application
kubeVersion: ">=1.22.0-0"
home: https://example.com
icon: https://example.com/icon.png
keywords: [web, "yes", "123", "on", "null", "-dash", "true", "1:20", "0x1F", "2024-01-01", "~", ".5"]
sources: [https://github.com/acme/charts]
deprecated: true
maintainers:
  - name: Jane "J" Doe
    email: jane@example.com
    url: https://jane.example.com
  - name: "name name name name name name name name name name name name name name name name name name name name"
dependencies:
  - name: common
    version: ">=1.0.0"
    repository: "https://charts.example.com"
    condition: common.enabled
    tags: [a, b]
    alias: com
    import-values: [data, {child: x, parent: "y"}]
  - name: other
    version: 1.0.0
annotations:
  artifacthub.io/changes: |
    - kind: added
      description: Something new
    - kind: fixed
      description: "A bug"
  artifacthub.io/license: Apache-2.0
  category: "2024-01-01"
  empty: ""
  trailing: "text with trailing space "
  multi2: "line1\\nline2"
  quote: "it's here"
  weird: "@at"
  tab: "a\\tb"
  lead: "\\n leading break"
  indented: " indented\\nsecond"
  keep: "trail\\n\\n"
  spaces: "double  space  folding  test  with  many  words  and  spaces  longer  than  eighty  columns  ok"
  unicode: "ünïcödé text and an emoji 😀"
  single: "a 'quoted' string that is long enough to be folded by the emitter at eighty columns width wide"
  colon: "x: long enough long enough long enough long enough long enough long enough long enough long enough"
  a10: x
  a9: x
  A-b: x
  "yes": x
`,
  app2: 'apiVersion: v2\nname: app2\nversion: 0.1.0\ndescription: two\n',
  app10: 'apiVersion: v2\nname: app10\nversion: 0.1.0\ntype: library\n',
  'app-x': 'apiVersion: v1\nname: app-x\nversion: 3.0.0\nappVersion: v1\n',
};

let helm3: IsolatedHelm;
let helm4: IsolatedHelm;
let packages: string;

async function writeCharts(root: string): Promise<void> {
  for (const [name, chartYaml] of Object.entries(CHARTS)) {
    const dir = join(root, name);
    await mkdir(join(dir, 'templates'), { recursive: true });
    await writeFile(join(dir, 'Chart.yaml'), chartYaml);
    for (const dep of name === 'tricky' ? ['common', 'other'] : []) {
      await mkdir(join(dir, 'charts', dep, 'templates'), { recursive: true });
      await writeFile(join(dir, 'charts', dep, 'Chart.yaml'), `apiVersion: v2\nname: ${dep}\nversion: 1.0.0\n`);
    }
  }
}

async function additions(dir: string, created: Date): Promise<IndexAddition[]> {
  const out: IndexAddition[] = [];
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.tgz'))) {
    const { stdout } = await execa('tar', ['-xzOf', join(dir, file), '--wildcards', '*/Chart.yaml', '--exclude', '*/charts/*']);
    const chartYaml = parse(stdout, { schema: 'failsafe' }) as Record<string, unknown>;
    const digest = createHash('sha256')
      .update(await readFile(join(dir, file)))
      .digest('hex');
    out.push({
      name: String(chartYaml.name),
      version: String(chartYaml.version),
      chartYaml,
      digest,
      url: `${BASE_URL}/${file}`,
      created,
    });
  }
  return out;
}

beforeAll(async () => {
  [helm3, helm4] = await Promise.all([isolatedHelm(3), isolatedHelm(4)]);
  const root = await mkdtemp(join(tmpdir(), 'index-compat-'));
  await writeCharts(root);
  packages = join(root, 'packages');
  await mkdir(packages);
  for (const name of Object.keys(CHARTS)) await helm4.run(['package', join(root, name), '-d', packages]);
});
afterAll(async () => {
  await Promise.all([helm3?.dispose(), helm4?.dispose()]);
});

describe('index entries as helm repo index writes them', () => {
  for (const major of [3, 4] as const) {
    it(`match helm v${major} byte for byte (created and generated aside)`, async () => {
      const helm = major === 3 ? helm3 : helm4;
      const dir = await mkdtemp(join(tmpdir(), `index-helm${major}-`));
      for (const f of await readdir(packages)) await writeFile(join(dir, f), await readFile(join(packages, f)));
      await helm.run(['repo', 'index', dir, '--url', BASE_URL]);
      const theirs = await readFile(join(dir, 'index.yaml'), 'utf8');
      const times = (text: string) => text.replace(/(created|generated): "[^"]+"/g, '$1: T');
      const now = new Date('2026-12-01T20:00:00.123Z');
      const ours = mergeIntoHelmIndex(emptyHelmIndex(now), await additions(dir, now), now).text;
      expect(times(ours)).toBe(times(theirs));
      expect(ours).toContain('    created: "2026-12-01T20:00:00.123Z"\n');
      expect(ours.endsWith('generated: "2026-12-01T20:00:00.123Z"\n')).toBe(true);
    });
  }
});
