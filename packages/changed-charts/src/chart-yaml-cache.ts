import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { replaceFile } from '@chart-release/core';
import type { ChartMetadata } from '@chart-release/chart-metadata';

// bump when parseChartYaml reads a Chart.yaml differently (new fields, other checks): older entries are then ignored
const FORMAT = 'chart-release/chart-yamls@1';

type Stored = { format: typeof FORMAT; blobs: Record<string, [text: string, metadata: ChartMetadata]> };

/**
 * The Chart.yaml files an earlier run read, by blob id, with their parsed metadata: a run skips reading and parsing
 * the ones it meets again (a push's base side is the previous push's head side). Keyed by blob id, an entry cannot
 * go stale; the file keeps the blobs of the last run that read new ones, so it stays the size of one diff. Only
 * Chart.yaml files that parsed are kept (an error is reported from the text, under its path, every time).
 */
export class ChartYamlCache {
  /**
   * The cache file beside the dependency index file; none before the index exists: the first run in a clone (a CI
   * job's fresh checkout, too) does not pay for writing what only a later run can use.
   */
  static besideIndex(indexFile: string | undefined): ChartYamlCache {
    return new ChartYamlCache(indexFile && existsSync(indexFile) ? join(dirname(indexFile), 'chart-yamls.json') : undefined);
  }

  /** Blob id -> text, for the reader to skip; it adds what it reads. */
  readonly texts = new Map<string, string>();
  /** Text -> metadata of the texts in `texts` that parsed. */
  readonly parsed = new Map<string, ChartMetadata>();
  /** Where it is kept (undefined: nowhere). */
  readonly file?: string;
  private readonly loaded = new Set<string>();

  constructor(file?: string) {
    this.file = file;
    if (!file) return;
    let stored: Stored | undefined;
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Stored;
    } catch {
      return; // none yet, or unreadable: everything is read from git
    }
    if (stored?.format !== FORMAT || typeof stored.blobs !== 'object' || stored.blobs === null) return;
    for (const [sha, entry] of Object.entries(stored.blobs)) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1]?.name !== 'string') continue;
      this.texts.set(sha, entry[0]);
      this.parsed.set(entry[0], entry[1]);
      this.loaded.add(sha);
    }
  }

  /** Rewrites the file with the blobs `used` (those that parsed), when any of them was not in it. */
  async save(used: Iterable<string>): Promise<void> {
    if (!this.file) return;
    const blobs: Stored['blobs'] = {};
    let fresh = false;
    for (const sha of used) {
      const text = this.texts.get(sha);
      const metadata = text === undefined ? undefined : this.parsed.get(text);
      if (!metadata) continue;
      blobs[sha] = [text!, metadata];
      if (!this.loaded.has(sha)) fresh = true;
    }
    if (!fresh) return;
    try {
      await mkdir(dirname(this.file), { recursive: true });
      await replaceFile(this.file, JSON.stringify({ format: FORMAT, blobs } satisfies Stored));
    } catch {
      // a read-only clone still detects, only without the cache
    }
  }
}
