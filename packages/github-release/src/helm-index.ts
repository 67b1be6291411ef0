import { ReleaseError } from '@chart-release/core';
import { compare as compareSemver, valid as validSemver } from 'semver';
import { isMap, isScalar, isSeq, parseDocument, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { goTime, helmIndexEntry, renderIndexEntry, type IndexEntryInput } from './helm-index-entry.ts';
import { goYamlKeyLess, renderYamlKey } from './helm-yaml.ts';

/** One chart version listed in a Helm repository index. */
export interface IndexedVersion {
  name: string;
  version: string;
  /** sha256 of the `.tgz`, hex; empty when the entry has none. */
  digest: string;
  urls: string[];
}

/** A Helm repository index as text, with what it lists. */
export interface HelmIndex {
  text: string;
  entries: IndexedVersion[];
}

/** A version to add: the index entry's input, keyed by chart name and version. */
export type IndexAddition = IndexEntryInput & { name: string; version: string };

/** What a merge did with each addition. */
export interface MergeResult {
  text: string;
  added: IndexedVersion[];
  /** Already in the index with the same digest: left as it is. */
  unchanged: IndexedVersion[];
}

const invalid = (file: string, why: string, hint = "fix the file on the pages branch, or recreate it with 'chart-release index --rebuild'.") =>
  new ReleaseError('INDEX_INVALID', `${file} is not a valid Helm repository index: ${why}.`, { file, hint });

const key = (e: { name: string; version: string }) => `${e.name}@${e.version}`;

function entriesMap(doc: Document, file: string): YAMLMap<unknown, unknown> {
  if (doc.errors.length) throw invalid(file, `it is not YAML (${doc.errors[0]!.message.split('\n')[0]})`);
  const root = doc.contents;
  if (!isMap(root)) throw invalid(file, 'it is not a mapping');
  const apiVersion = root.get('apiVersion');
  if (apiVersion !== 'v1') throw invalid(file, `apiVersion is ${JSON.stringify(apiVersion ?? null)}, not v1`);
  const entries = root.get('entries', true);
  if (!isMap(entries)) throw invalid(file, 'it has no `entries` mapping');
  return entries;
}

/** Parses an index and lists its versions; INDEX_INVALID when it is not an index helm would load. */
export function parseHelmIndex(text: string, file = 'index.yaml'): HelmIndex {
  const { index } = readIndex(text, file);
  return index;
}

function readIndex(text: string, file: string): { index: HelmIndex; doc: Document; map: YAMLMap<unknown, unknown> } {
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: true });
  const map = entriesMap(doc, file);
  const entries: IndexedVersion[] = [];
  for (const pair of map.items) {
    const name = isScalar(pair.key) ? String(pair.key.value) : '';
    if (!isSeq(pair.value)) throw invalid(file, `entries.${name} is not a list of versions`);
    for (const item of pair.value.items) {
      if (!isMap(item)) throw invalid(file, `entries.${name} has an item that is not a mapping`);
      const urls = item.get('urls');
      entries.push({
        name: String(item.get('name') ?? ''),
        version: String(item.get('version') ?? ''),
        digest: String(item.get('digest') ?? ''),
        urls: isSeq(urls) ? urls.items.map((u) => String(isScalar(u) ? u.value : u)) : [],
      });
    }
  }
  return { index: { text, entries }, doc, map };
}

/** Every problem that makes an index unusable for a consumer: INDEX_INVALID for each entry without name, version, digest or URL. */
export function validateHelmIndex(index: HelmIndex, file = 'index.yaml'): ReleaseError[] {
  const problems: ReleaseError[] = [];
  const seen = new Set<string>();
  for (const e of index.entries) {
    const what = `entry ${e.name || '(no name)'} ${e.version || '(no version)'}`;
    const missing = [
      !e.name && 'name',
      !e.version && 'version',
      !/^[0-9a-f]{64}$/.test(e.digest) && 'sha256 digest',
      !e.urls.some((u) => u.length > 0) && 'download URL',
    ].filter(Boolean);
    if (missing.length) problems.push(invalid(file, `${what} has no ${missing.join(' and no ')}`));
    if (seen.has(key(e))) problems.push(invalid(file, `${what} is listed twice`));
    seen.add(key(e));
  }
  return problems;
}

/** An empty index as `helm repo index` writes it for an empty folder. */
export function emptyHelmIndex(now: Date): string {
  return `apiVersion: v1\nentries: {}\ngenerated: "${goTime(now)}"\n`;
}

type Edit = { start: number; end: number; text: string; order: number };

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

// the column of the `-` of a block sequence item, which must start its own line
function dashColumn(text: string, itemStart: number, file: string): number {
  const start = lineStart(text, itemStart);
  const prefix = text.slice(start, itemStart);
  const m = /^( *)- +$/.exec(prefix);
  if (!m) throw invalid(file, 'its entries are not in block style', "recreate it with 'chart-release index --rebuild', which writes it as helm does.");
  return m[1]!.length;
}

function atLineEnd(text: string, offset: number): string {
  return offset > 0 && text[offset - 1] !== '\n' ? '\n' : '';
}

/**
 * Adds entries to an existing index as text: each new version goes into its chart's list in helm's order (newest
 * first), a new chart into `entries` in go-yaml's key order, and `generated` is set to `now`. Every other byte of
 * the file is kept. A version already listed with the same digest is left alone; with another digest it is
 * INDEX_DIGEST_CONFLICT.
 */
export function mergeIntoHelmIndex(existing: string, additions: IndexAddition[], now: Date, file = 'index.yaml'): MergeResult {
  const { index: current, doc, map } = readIndex(existing, file);
  const byKey = new Map(current.entries.map((e) => [key(e), e]));
  const added: IndexedVersion[] = [];
  const unchanged: IndexedVersion[] = [];
  const fresh: IndexAddition[] = [];
  for (const a of additions) {
    const digest = a.digest.replace(/^sha256:/, '');
    const found = byKey.get(key(a));
    if (found) {
      if (found.digest !== digest) {
        throw new ReleaseError(
          'INDEX_DIGEST_CONFLICT',
          `${file} lists ${a.name} ${a.version} with digest sha256:${found.digest || '(none)'}, but the published package is sha256:${digest}.`,
          {
            chart: a.name,
            file,
            hint: 'a published version never changes: bump the chart version, or correct the index entry by hand if the published package is the right one.',
          },
        );
      }
      unchanged.push(found);
      continue;
    }
    if (fresh.some((f) => key(f) === key(a))) continue;
    fresh.push({ ...a, digest });
  }
  if (!fresh.length) return { text: existing, added, unchanged };

  const edits: Edit[] = [];
  let order = 0;
  const pairs = map.items as unknown as {
    key: { value: unknown; range: [number, number, number] };
    value: YAMLSeq;
  }[];
  // `entries: {}` (helm's empty index) becomes a block mapping holding the new charts
  let emptyFlow: { start: number; end: number } | undefined;
  if (map.flow) {
    if (pairs.length) throw invalid(file, 'its entries are in flow style', "recreate it with 'chart-release index --rebuild', which writes it as helm does.");
    const [start, end] = map.range!;
    emptyFlow = {
      start: existing[start - 1] === ' ' ? start - 1 : start,
      end: existing[end] === '\n' ? end + 1 : end,
    };
  }
  const keyColumn = pairs.length ? pairs[0]!.key.range[0] - lineStart(existing, pairs[0]!.key.range[0]) : 2;
  const firstSeq = pairs.find((p) => p.value.items.length)?.value;
  const seqOffset = firstSeq ? dashColumn(existing, (firstSeq.items[0] as YAMLMap).range![0], file) - keyColumn : 0;

  const byChart = new Map<string, IndexAddition[]>();
  for (const a of fresh) byChart.set(a.name, [...(byChart.get(a.name) ?? []), a]);
  const newCharts: string[] = [];
  for (const [name, versions] of [...byChart].sort(([a], [b]) => (goYamlKeyLess(a, b) ? -1 : goYamlKeyLess(b, a) ? 1 : 0))) {
    versions.sort((a, b) => newerFirst(a.version, b.version));
    const pair = pairs.find((p) => String(p.key.value) === name);
    if (pair) {
      const items = pair.value.items as YAMLMap[];
      const dash = items.length ? dashColumn(existing, items[0]!.range![0], file) : keyColumn + seqOffset;
      for (const v of versions) {
        const before = items.find((item) => newerFirst(v.version, String(item.get('version') ?? '')) < 0);
        const offset = before ? lineStart(existing, before.range![0]) : pair.value.range![1];
        edits.push({
          start: offset,
          end: offset,
          text: renderIndexEntry(helmIndexEntry(v), dash),
          order: order++,
        });
      }
    } else {
      const block = `${' '.repeat(keyColumn)}${renderYamlKey(name)}:\n${versions.map((v) => renderIndexEntry(helmIndexEntry(v), keyColumn + seqOffset)).join('')}`;
      if (emptyFlow) newCharts.push(block);
      else {
        const next = pairs.find((p) => goYamlKeyLess(name, String(p.key.value)));
        const offset = next ? lineStart(existing, next.key.range[0]) : pairs[pairs.length - 1]!.value.range![1];
        edits.push({ start: offset, end: offset, text: block, order: order++ });
      }
    }
    added.push(
      ...versions.map((v) => ({
        name: v.name,
        version: v.version,
        digest: v.digest,
        urls: [v.url],
      })),
    );
  }
  if (emptyFlow)
    edits.push({
      ...emptyFlow,
      text: `\n${newCharts.join('')}`,
      order: order++,
    });
  const generated = (doc.contents as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === 'generated');
  if (generated && isScalar(generated.value) && generated.value.range) {
    edits.push({
      start: generated.value.range[0],
      end: generated.value.range[1],
      text: `"${goTime(now)}"`,
      order: order++,
    });
  }
  // applied from the end of the file, so every offset still points into the original text; equal offsets keep their order
  edits.sort((a, b) => b.start - a.start || b.order - a.order);
  let text = existing;
  for (const edit of edits)
    text = `${text.slice(0, edit.start)}${edit.start === edit.end ? atLineEnd(text, edit.start) : ''}${edit.text}${text.slice(edit.end)}`;
  return { text, added, unchanged };
}

/** helm's order of a chart's versions: newest first by semver, unparsable versions last. */
function newerFirst(a: string, b: string): number {
  const va = validSemver(a);
  const vb = validSemver(b);
  if (!va && !vb) return 0;
  if (!va) return 1;
  if (!vb) return -1;
  return compareSemver(vb, va);
}
