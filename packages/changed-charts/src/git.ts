import { ReleaseError } from '@chart-release/core';
import { execa } from 'execa';

/** The few git plumbing commands change detection needs, run with the git CLI in one repository. */
export class GitReader {
  readonly cwd: string;

  constructor(cwd: string) {
    this.cwd = cwd;
  }

  /** A reader rooted at the top of the repository holding `cwd`, so every path is repository-relative. */
  static async open(cwd: string): Promise<GitReader> {
    const top = (await new GitReader(cwd).run(['rev-parse', '--show-toplevel'])).stdout.trim();
    return new GitReader(top);
  }

  /** Runs git and returns stdout; `allowed` lists exit codes that are answers rather than failures. */
  async run(args: string[], options: { input?: string; allowed?: number[] } = {}): Promise<{ stdout: string; exitCode: number }> {
    const r = await execa('git', args, {
      cwd: this.cwd,
      reject: false,
      stripFinalNewline: false,
      input: options.input,
      maxBuffer: 1024 * 1024 * 1024,
      env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
    });
    const exitCode = r.exitCode ?? -1;
    if (exitCode !== 0 && !(options.allowed ?? []).includes(exitCode)) {
      const stderr = String(r.stderr).trim();
      if (/not a git repository/i.test(stderr)) {
        throw new ReleaseError('NOT_A_GIT_REPOSITORY', `${this.cwd} is not inside a git repository.`, { hint: 'run in a clone of the chart repository or pass --cwd.' });
      }
      throw new ReleaseError('GIT_FAILED', `git ${args.slice(0, 3).join(' ')} failed (exit ${exitCode}): ${stderr || r.message}`, {
        hint: 'check that git is installed and the repository is readable.',
      });
    }
    return { stdout: String(r.stdout), exitCode };
  }

  /** The commit sha `rev` names, or undefined when it does not exist here (e.g. not fetched in a shallow clone). */
  async commitSha(rev: string): Promise<string | undefined> {
    const r = await this.run(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { allowed: [1, 128] });
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  }

  /** Whether `ancestor` is reachable from `descendant` (`git merge-base --is-ancestor`). */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const r = await this.run(['merge-base', '--is-ancestor', ancestor, descendant], { allowed: [1, 128] });
    return r.exitCode === 0;
  }

  /** The best common ancestor of two commits, or undefined when they share no history. */
  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const r = await this.run(['merge-base', a, b], { allowed: [1, 128] });
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  }

  /** The nearest tag reachable from `rev` whose name matches the glob, or undefined. */
  async nearestTag(rev: string, glob: string): Promise<string | undefined> {
    const r = await this.run(['describe', '--tags', '--abbrev=0', '--match', glob, rev], { allowed: [128] });
    return r.exitCode === 0 ? r.stdout.trim() : undefined;
  }

  /** The sha of the empty tree (the "before" of a repository's first commit), in this repository's hash format. */
  async emptyTree(): Promise<string> {
    return (await this.run(['hash-object', '-t', 'tree', '--stdin'], { input: '' })).stdout.trim();
  }

  /** `git diff --name-status -M -z base head -- paths`, raw. Merge commits need nothing special: it compares trees. */
  async diffNameStatus(base: string, head: string, paths: string[]): Promise<string> {
    return (await this.run(['diff', '--name-status', '-M', '-z', '--no-ext-diff', '--no-textconv', base, head, '--', ...paths])).stdout;
  }

  /**
   * Reads many blobs in one `git cat-file --batch` process. `specs` are `<rev>:<path>`; the answer keeps their order,
   * with undefined for paths that do not exist at that revision.
   */
  async readBlobs(specs: string[]): Promise<(string | undefined)[]> {
    if (specs.length === 0) return [];
    for (const spec of specs) if (/[\n\r]/.test(spec)) throw new Error(`object name with a line break: ${JSON.stringify(spec)}`);
    const r = await execa('git', ['cat-file', '--batch'], {
      cwd: this.cwd,
      input: specs.join('\n') + '\n',
      encoding: 'buffer',
      reject: false,
      maxBuffer: 1024 * 1024 * 1024,
      env: { LC_ALL: 'C' },
    });
    if (r.exitCode !== 0) throw new ReleaseError('GIT_FAILED', `git cat-file --batch failed: ${Buffer.from(r.stderr).toString().trim()}`);
    const out = Buffer.from(r.stdout);
    const answers: (string | undefined)[] = [];
    let pos = 0;
    for (let i = 0; i < specs.length; i++) {
      const eol = out.indexOf(10, pos);
      const header = out.subarray(pos, eol).toString();
      pos = eol + 1;
      // "<sha> <type> <size>" or "<spec> missing" / "<spec> ambiguous"
      const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
      if (!m) {
        answers.push(undefined);
        continue;
      }
      const size = Number(m[2]);
      answers.push(m[1] === 'blob' ? out.subarray(pos, pos + size).toString('utf8') : undefined);
      pos += size + 1;
    }
    return answers;
  }

  /**
   * Which `<rev>:<path>` objects exist (one `git cat-file --batch-check` process); `--batch-check` reads no content,
   * so asking about many paths costs almost nothing.
   */
  async exists(specs: string[]): Promise<boolean[]> {
    if (specs.length === 0) return [];
    const r = await this.run(['cat-file', '--batch-check=%(objecttype)'], { input: specs.join('\n') + '\n' });
    return r.stdout
      .split('\n')
      .slice(0, specs.length)
      .map((line) => line === 'blob');
  }

  /** Files at `rev` under `paths` whose text contains any of `words` (`git grep -l -F`); paths are repository-relative. */
  async filesContaining(rev: string, words: string[], pathspecs: string[]): Promise<string[]> {
    if (words.length === 0) return [];
    const args = ['grep', '-l', '-z', '-F', '--no-color'];
    for (const w of words) args.push('-e', w);
    args.push(rev, '--', ...pathspecs);
    const r = await this.run(args, { allowed: [1] });
    // output is "<rev>:<path>\0"
    return r.stdout
      .split('\0')
      .filter(Boolean)
      .map((entry) => entry.slice(rev.length + 1));
  }
}
