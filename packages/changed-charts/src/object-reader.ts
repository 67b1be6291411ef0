import { ReleaseError } from '@chart-release/core';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { gitEnv } from './git-process.ts';

/** An object found in the repository: its id, type and (for `contents` questions) its bytes. */
export interface GitObject {
  sha: string;
  type: string;
  data?: Buffer;
}

type Kind = 'info' | 'contents';
/** One batch of questions: answers are handed to `visit` in order, then `resolve` runs. */
type Pending = {
  kind: Kind;
  total: number;
  next: number;
  visit: (index: number, answer: GitObject | undefined) => void;
  failed?: unknown;
  resolve: () => void;
  reject: (error: unknown) => void;
};

/**
 * One long-lived `git cat-file --batch-command --buffer` process answering every "does `<rev>:<path>` exist, and
 * what is in it" question of a detection run, so a run costs a handful of processes however many charts it reads
 * (https://git-scm.com/docs/git-cat-file#_batch_output). Needs git 2.36 or later. Call `close()` when done.
 */
export class ObjectReader {
  private child?: ChildProcessByStdio<Writable, Readable, Readable>;
  private exited?: Promise<void>;
  private readonly pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private stderr = '';
  private readonly cwd: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(cwd: string, env: NodeJS.ProcessEnv = gitEnv()) {
    this.cwd = cwd;
    this.env = env;
  }

  /** Ids and types of many objects (`<rev>`, `<rev>^{commit}`, `<rev>:<path>`); undefined for missing ones. */
  info(names: readonly string[]): Promise<(GitObject | undefined)[]> {
    return this.collect('info', names);
  }

  /** Ids, types and bytes of many objects; undefined for missing ones. */
  contents(names: readonly string[]): Promise<(GitObject | undefined)[]> {
    return this.collect('contents', names);
  }

  /**
   * Hands each answer to `visit` as it arrives, in the order of `names`, and keeps none of them: for reading many
   * objects of which the caller keeps little. `data` is a view of the bytes read from git: copy what is kept.
   */
  each(kind: Kind, names: readonly string[], visit: (index: number, object: GitObject | undefined) => void): Promise<void> {
    if (names.length === 0) return Promise.resolve();
    for (const name of names) if (/[\n\r]/.test(name)) throw new Error(`object name with a line break: ${JSON.stringify(name)}`);
    const child = this.start();
    const done = new Promise<void>((resolve, reject) => this.pending.push({ kind, total: names.length, next: 0, visit, resolve, reject }));
    child.stdin.write(names.map((name) => `${kind} ${name}\n`).join('') + 'flush\n');
    return done;
  }

  private async collect(kind: Kind, names: readonly string[]): Promise<(GitObject | undefined)[]> {
    const out = new Array<GitObject | undefined>(names.length);
    await this.each(kind, names, (i, object) => (out[i] = object));
    return out;
  }

  private start() {
    if (this.child) return this.child;
    const child = spawn('git', ['cat-file', '--batch-command', '--buffer'], { cwd: this.cwd, env: this.env, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.drain();
    });
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    child.stdin.on('error', () => {}); // reported through the exit below
    this.exited = new Promise((resolve) => {
      const fail = (why: string) => {
        const message = /not a git repository/i.test(this.stderr)
          ? new ReleaseError('NOT_A_GIT_REPOSITORY', `${this.cwd} is not inside a git repository.`, {
              hint: 'run in a clone of the chart repository or pass --cwd.',
            })
          : new ReleaseError('GIT_FAILED', `git cat-file ${why}: ${this.stderr.trim()}`, { hint: 'git 2.36 or later is needed (cat-file --batch-command).' });
        for (const p of this.pending.splice(0)) p.reject(message);
        resolve();
      };
      child.on('error', (error) => fail(`cannot run: ${error.message}`));
      child.on('close', (code, signal) => fail(`exited (${code ?? signal})`));
    });
    this.child = child;
    return child;
  }

  // answers arrive in order: "<sha> <type> <size>\n" (+ "<content>\n" for contents) or "<name> missing\n"
  private drain(): void {
    while (this.pending.length) {
      const eol = this.buffer.indexOf(10);
      if (eol === -1) return;
      const batch = this.pending[0]!;
      const header = this.buffer.toString('latin1', 0, eol);
      const m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(header);
      let answer: GitObject | undefined;
      if (!m) {
        this.buffer = this.buffer.subarray(eol + 1);
      } else if (batch.kind === 'contents') {
        const size = Number(m[3]);
        if (this.buffer.length < eol + 1 + size + 1) return;
        answer = { sha: m[1]!, type: m[2]!, data: this.buffer.subarray(eol + 1, eol + 1 + size) };
        this.buffer = this.buffer.subarray(eol + 1 + size + 1);
      } else {
        answer = { sha: m[1]!, type: m[2]! };
        this.buffer = this.buffer.subarray(eol + 1);
      }
      const index = batch.next++;
      if (batch.failed === undefined) {
        try {
          batch.visit(index, answer);
        } catch (error) {
          // the batch's remaining answers still have to be read off the stream
          batch.failed = error;
        }
      }
      if (batch.next === batch.total) {
        this.pending.shift();
        if (batch.failed === undefined) batch.resolve();
        else batch.reject(batch.failed);
      }
    }
  }

  /** Ends the process. */
  async close(): Promise<void> {
    if (!this.child) return;
    this.child.stdin.end();
    await this.exited;
    this.child = undefined;
  }
}
