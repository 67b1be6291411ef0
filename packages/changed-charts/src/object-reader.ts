import { ReleaseError } from '@chart-release/core';
import { execa, type ResultPromise } from 'execa';

/** An object found in the repository: its id, type and (for `contents` questions) its bytes. */
export interface GitObject {
  sha: string;
  type: string;
  data?: Buffer;
}

type Pending = { kind: 'info' | 'contents'; resolve: (answer: GitObject | undefined) => void; reject: (error: Error) => void };

/**
 * One long-lived `git cat-file --batch-command --buffer` process answering every "does `<rev>:<path>` exist, and
 * what is in it" question of a detection run, so a run costs a handful of processes however many charts it reads
 * (https://git-scm.com/docs/git-cat-file#_batch_output). Needs git 2.36 or later. Call `close()` when done.
 */
export class ObjectReader {
  private child?: ResultPromise<{ buffer: false; stdin: 'pipe'; stdout: 'pipe'; stderr: 'pipe'; reject: false }>;
  private readonly pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private stderr = '';
  private readonly cwd: string;

  constructor(cwd: string) {
    this.cwd = cwd;
  }

  /** Ids and types of many objects (`<rev>`, `<rev>^{commit}`, `<rev>:<path>`); undefined for missing ones. */
  info(names: readonly string[]): Promise<(GitObject | undefined)[]> {
    return this.ask('info', names);
  }

  /** Ids, types and bytes of many objects; undefined for missing ones. */
  contents(names: readonly string[]): Promise<(GitObject | undefined)[]> {
    return this.ask('contents', names);
  }

  private ask(kind: Pending['kind'], names: readonly string[]): Promise<(GitObject | undefined)[]> {
    if (names.length === 0) return Promise.resolve([]);
    for (const name of names) if (/[\n\r]/.test(name)) throw new Error(`object name with a line break: ${JSON.stringify(name)}`);
    const child = this.start();
    const answers = names.map(
      () =>
        new Promise<GitObject | undefined>((resolve, reject) => {
          this.pending.push({ kind, resolve, reject });
        }),
    );
    child.stdin.write(names.map((name) => `${kind} ${name}\n`).join('') + 'flush\n');
    return Promise.all(answers);
  }

  private start() {
    if (this.child) return this.child;
    const child = execa('git', ['cat-file', '--batch-command', '--buffer'], {
      cwd: this.cwd,
      buffer: false,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      reject: false,
      env: { LC_ALL: 'C', GIT_TERMINAL_PROMPT: '0' },
    });
    child.stdout.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.drain();
    });
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    child.stdin.on('error', () => {}); // reported through the exit below
    void child.then((result) => {
      const message = /not a git repository/i.test(this.stderr)
        ? new ReleaseError('NOT_A_GIT_REPOSITORY', `${this.cwd} is not inside a git repository.`, { hint: 'run in a clone of the chart repository or pass --cwd.' })
        : new ReleaseError('GIT_FAILED', `git cat-file exited (${result.exitCode ?? result.signal}): ${this.stderr.trim() || result.message}`, {
            hint: 'git 2.36 or later is needed (cat-file --batch-command).',
          });
      for (const p of this.pending.splice(0)) p.reject(message);
    });
    this.child = child;
    return child;
  }

  // answers arrive in order: "<sha> <type> <size>\n" (+ "<content>\n" for contents) or "<name> missing\n"
  private drain(): void {
    while (this.pending.length) {
      const eol = this.buffer.indexOf(10);
      if (eol === -1) return;
      const header = this.buffer.subarray(0, eol).toString();
      const m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(header);
      const next = this.pending[0]!;
      if (!m) {
        this.buffer = this.buffer.subarray(eol + 1);
        this.pending.shift();
        next.resolve(undefined);
        continue;
      }
      const object: GitObject = { sha: m[1]!, type: m[2]! };
      if (next.kind === 'contents') {
        const size = Number(m[3]);
        if (this.buffer.length < eol + 1 + size + 1) return;
        object.data = this.buffer.subarray(eol + 1, eol + 1 + size);
        this.buffer = this.buffer.subarray(eol + 1 + size + 1);
      } else {
        this.buffer = this.buffer.subarray(eol + 1);
      }
      this.pending.shift();
      next.resolve(object);
    }
  }

  /** Ends the process. */
  async close(): Promise<void> {
    if (!this.child) return;
    this.child.stdin.end();
    await this.child;
    this.child = undefined;
  }
}
