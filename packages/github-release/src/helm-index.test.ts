import { describe, expect, it } from 'vitest';
import { helmIndexEntry, renderIndexEntry } from './helm-index-entry.ts';
import { emptyHelmIndex, mergeIntoHelmIndex, parseHelmIndex, validateHelmIndex, type IndexAddition } from './helm-index.ts';

const T0 = new Date('2025-01-01T00:00:00Z');
const NOW = new Date('2026-12-01T21:00:00.5Z');
const digest = (n: number) => n.toString(16).padStart(64, 'a');

function addition(name: string, version: string, n: number, created = NOW): IndexAddition {
  return {
    name,
    version,
    digest: digest(n),
    url: `https://github.com/acme/charts/releases/download/${name}-${version}/${name}-${version}.tgz`,
    created,
    chartYaml: {
      apiVersion: 'v2',
      name,
      version,
      description: `The ${name} chart`,
    },
  };
}

/** An index of 50 charts x 20 versions, as helm writes it, with a comment and a chart listed in indented style. */
function thousandEntryIndex(): string {
  let text = 'apiVersion: v1\nentries:\n';
  for (let c = 0; c < 50; c++) {
    const name = `chart-${String(c).padStart(2, '0')}`;
    text += `  ${name}:\n`;
    if (c === 7) text += '  # kept by hand\n';
    for (let v = 19; v >= 0; v--) {
      const entry = renderIndexEntry(helmIndexEntry(addition(name, `1.${v}.0`, c * 100 + v, T0)), 2);
      text += c === 30 ? entry.replace(/^(?=.)/gm, '  ') : entry;
    }
  }
  return `${text}generated: "2025-01-01T00:00:00Z"\n`;
}

describe('merging entries into an existing index', () => {
  it('keeps a 1,000-entry index byte for byte outside the new entries (and generated)', () => {
    const original = thousandEntryIndex();
    expect(parseHelmIndex(original).entries).toHaveLength(1000);
    const adds = [
      addition('chart-07', '1.9.5', 9001),
      addition('chart-30', '2.0.0', 9002),
      addition('chart-25a', '0.1.0', 9003),
      addition('zeta', '1.0.0', 9004),
      addition('chart-49', '0.0.1', 9005),
    ];
    const merged = mergeIntoHelmIndex(original, adds, NOW);
    expect(merged.added.map((a) => `${a.name}@${a.version}`)).toEqual(['chart-07@1.9.5', 'chart-25a@0.1.0', 'chart-30@2.0.0', 'chart-49@0.0.1', 'zeta@1.0.0']);
    const index = parseHelmIndex(merged.text);
    expect(index.entries).toHaveLength(1005);
    expect(validateHelmIndex(index)).toEqual([]);
    // each new version sits where helm puts it: newest first within its chart, charts in key order
    const order = index.entries.map((e) => `${e.name}@${e.version}`);
    expect(order.indexOf('chart-07@1.9.5')).toBe(order.indexOf('chart-07@1.10.0') + 1);
    expect(order.indexOf('chart-30@2.0.0')).toBe(order.indexOf('chart-30@1.19.0') - 1);
    expect(order.indexOf('chart-25a@0.1.0')).toBe(order.indexOf('chart-25@1.0.0') + 1);
    expect(order.at(-1)).toBe('zeta@1.0.0');
    expect(order.at(-2)).toBe('chart-49@0.0.1');
    // take the new entries out again and the original is back, byte for byte
    let back = merged.text;
    for (const a of adds) {
      const item = renderIndexEntry(helmIndexEntry(a), a.name === 'chart-30' ? 4 : 2);
      const block = a.name === 'chart-25a' || a.name === 'zeta' ? `  ${a.name}:\n${item}` : item;
      expect(back).toContain(block);
      back = back.replace(block, '');
    }
    expect(back.replace(/generated: "[^"]+"/, 'generated: "2025-01-01T00:00:00Z"')).toBe(original);
    expect(merged.text).toContain('generated: "2026-12-01T21:00:00.5Z"');
  });

  it('leaves a version already listed with the same digest alone, and names both digests when it differs', () => {
    const first = mergeIntoHelmIndex(emptyHelmIndex(T0), [addition('web', '1.0.0', 1)], T0);
    const again = mergeIntoHelmIndex(first.text, [addition('web', '1.0.0', 1)], NOW);
    expect(again).toMatchObject({
      text: first.text,
      added: [],
      unchanged: [{ name: 'web', version: '1.0.0' }],
    });
    expect(() => mergeIntoHelmIndex(first.text, [addition('web', '1.0.0', 2)], NOW)).toThrow(
      expect.objectContaining({
        code: 'INDEX_DIGEST_CONFLICT',
        message: expect.stringMatching(new RegExp(`sha256:${digest(1)}.*sha256:${digest(2)}`)),
      }),
    );
  });

  it("turns helm's empty index into a block of entries", () => {
    const merged = mergeIntoHelmIndex(emptyHelmIndex(T0), [addition('b', '1.0.0', 1), addition('a', '1.0.0', 2), addition('a', '2.0.0', 3)], NOW);
    expect(merged.text.split('\n').filter((l) => /^ {2}\S|^ {2}- |^\S/.test(l))).toEqual([
      'apiVersion: v1',
      'entries:',
      '  a:',
      '  - apiVersion: v2',
      '  - apiVersion: v2',
      '  b:',
      '  - apiVersion: v2',
      'generated: "2026-12-01T21:00:00.5Z"',
    ]);
    expect(parseHelmIndex(merged.text).entries.map((e) => e.version)).toEqual(['2.0.0', '1.0.0', '1.0.0']);
  });

  it('refuses what is not an index, and reports entries without digest or URL', () => {
    expect(() => parseHelmIndex('apiVersion: v1\nentries: [\n')).toThrow(expect.objectContaining({ code: 'INDEX_INVALID' }));
    expect(() => parseHelmIndex('kind: ConfigMap\n')).toThrow(
      expect.objectContaining({
        code: 'INDEX_INVALID',
        message: expect.stringContaining('apiVersion'),
      }),
    );
    const index = parseHelmIndex('apiVersion: v1\nentries:\n  web:\n  - name: web\n    version: 1.0.0\n    urls: []\n');
    expect(validateHelmIndex(index).map((e) => e.message)).toEqual([
      'index.yaml is not a valid Helm repository index: entry web 1.0.0 has no sha256 digest and no download URL.',
    ]);
  });
});
