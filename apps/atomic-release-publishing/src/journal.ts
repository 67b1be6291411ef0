import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { replaceFile } from '@chart-release/core';
import type { ChartOutputs } from './stage.ts';

/** What is known to be done for one chart in this run: each stage's output under its name. */
export interface JournalChart extends ChartOutputs {
  name: string;
  version: string;
  /** The stage that failed in the last attempt. */
  failed?: { step: string; code: string; message: string };
}

export interface JournalData {
  schemaVersion: 1;
  /** The commit released; a journal for another commit is ignored. */
  head: string;
  startedAt: string;
  updatedAt: string;
  attempts: number;
  phase: 'running' | 'failed' | 'published';
  charts: Record<string, JournalChart>;
}

/**
 * The run's journal: a JSON file in the work folder, rewritten atomically after every step, so a re-run after a
 * crash knows what is done. It is an accelerator, not the source of truth: every step is also idempotent against
 * the registry and GitHub, so a run without a journal converges too.
 */
export class Journal {
  readonly path: string;
  data: JournalData;
  private writing: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;

  private constructor(path: string, data: JournalData) {
    this.path = path;
    this.data = data;
  }

  /** Opens the journal for `head` in `workDir`, continuing an earlier attempt at the same commit. */
  static async open(workDir: string, head: string, now = new Date()): Promise<Journal> {
    const path = join(workDir, 'journal.json');
    let data: JournalData | undefined;
    try {
      const previous = JSON.parse(await readFile(path, 'utf8')) as JournalData;
      if (previous.schemaVersion === 1 && previous.head === head) data = previous;
    } catch {
      // no journal yet, or an unreadable one: start afresh (the steps are idempotent)
    }
    data ??= { schemaVersion: 1, head, startedAt: now.toISOString(), updatedAt: now.toISOString(), attempts: 0, phase: 'running', charts: {} };
    data.attempts += 1;
    data.phase = data.phase === 'published' ? 'published' : 'running';
    const journal = new Journal(path, data);
    await journal.save();
    return journal;
  }

  /** The entry of `name`, created on first use. */
  chart(name: string, version: string): JournalChart {
    const existing = this.data.charts[name];
    if (existing && existing.version === version) return existing;
    const entry: JournalChart = { name, version };
    this.data.charts[name] = entry;
    return entry;
  }

  /** Records a step's result for `name` and persists the journal. */
  async record<K extends keyof JournalChart>(name: string, version: string, key: K, value: JournalChart[K]): Promise<void> {
    const entry = this.chart(name, version);
    entry[key] = value;
    if (key !== 'failed') delete entry.failed;
    await this.save();
  }

  async setPhase(phase: JournalData['phase']): Promise<void> {
    this.data.phase = phase;
    await this.save();
  }

  /**
   * Writes the journal through a temp file and a rename, one write at a time. Changes made while a write is under
   * way share the next one: however many steps finish at once, at most one write waits behind the current one, and
   * each caller's promise settles once a write holding its change is on disk.
   */
  save(): Promise<void> {
    this.queued ??= this.writing.then(() => {
      this.queued = undefined; // changes from here on need another write
      return this.write();
    });
    this.writing = this.queued;
    return this.queued;
  }

  private async write(): Promise<void> {
    this.data.updatedAt = new Date().toISOString();
    await mkdir(dirname(this.path), { recursive: true });
    // compact: the file is rewritten after every step, and its size is what each rewrite allocates
    await replaceFile(this.path, `${JSON.stringify(this.data)}\n`);
  }
}
