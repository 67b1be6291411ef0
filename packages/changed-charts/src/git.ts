import { ReleaseError } from '@chart-release/core';
import { execa } from 'execa';
import { ObjectReader } from './object-reader.ts';

/**
 * The few git commands change detection needs, run with the git CLI from `cwd` (any folder of the repository:
 * pathspecs use `:(top)` and output is repository-relative). Object lookups share one `cat-file` process.
 */
export class GitReader {
  readonly cwd: string;
  readonly objects: ObjectReader;

  constructor(cwd: string) {
    this.cwd = cwd;
    this.objects = new ObjectReader(cwd);
  }

  /** Stops the shared `cat-file` process. */
  close(): Promise<void> {
    return this.objects.close();
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

  /** The commit shas of several revisions in one round trip (undefined for the ones not in this repository). */
  async commitShas(revs: (string | undefined)[]): Promise<(string | undefined)[]> {
    const asked = revs.filter((rev): rev is string => !!rev && !/\s/.test(rev));
    const found = await this.objects.info(asked.map((rev) => `${rev}^{commit}`));
    return revs.map((rev) => {
      const i = rev === undefined ? -1 : asked.indexOf(rev);
      return i >= 0 && found[i]?.type === 'commit' ? found[i]!.sha : undefined;
    });
  }

  /** The commit sha `rev` names, or undefined when it does not exist here (e.g. not fetched in a shallow clone). */
  async commitSha(rev: string): Promise<string | undefined> {
    if (!rev || /\s/.test(rev)) return undefined;
    const [found] = await this.objects.info([`${rev}^{commit}`]);
    return found?.type === 'commit' ? found.sha : undefined;
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

  /**
   * `git diff --raw -M -z base head -- paths`: what `--name-status -M` says, plus the blob ids of both sides. Merge
   * commits need nothing special: it compares the two trees.
   */
  async diffRaw(base: string, head: string, paths: string[]): Promise<string> {
    const pathspecs = paths.map((p) => `:(top,literal)${p}`);
    return (await this.run(['diff', '--raw', '--no-abbrev', '-M', '-z', '--no-ext-diff', '--no-textconv', '--no-relative', base, head, '--', ...pathspecs])).stdout;
  }

  /**
   * The list-item and indented `name:` and `repository:` lines (dependency entries, and maintainers) of the files matching
   * `pathspecs` at `rev`, as path -> values, from one `git grep`: enough to tell which Chart.yaml files may depend
   * on a chart without reading them all.
   */
  async indentedNameLines(rev: string, pathspecs: string[]): Promise<Map<string, string[]>> {
    // `  - name:`, `- name:` (a list at column 0) and `    repository:`, never the chart's own top-level `name:`.
    // git matches fixed strings (several times faster than a regular expression over every line of every file);
    // the exact shape is checked here.
    const shape = /^([ \t]*-[ \t]+|[ \t]+)(name|repository):/;
    // one thread: it runs beside the diff, which matters more
    const r = await this.run(['grep', '--threads=1', '-z', '--full-name', '--no-color', '-I', '-F', '-e', 'name:', '-e', 'repository:', rev, '--', ...pathspecs], { allowed: [1] });
    const out = new Map<string, string[]>();
    for (const line of r.stdout.split('\n')) {
      const nul = line.indexOf('\0');
      if (nul === -1 || !shape.test(line.slice(nul + 1))) continue;
      const path = line.slice(rev.length + 1, nul);
      const value = line
        .slice(nul + 1)
        .replace(/^[\s-]*(name|repository):\s*/, '')
        .replace(/\s+#.*$/, '')
        .replace(/^["']|["']$/g, '')
        .trim();
      const list = out.get(path);
      if (list) list.push(value);
      else out.set(path, [value]);
    }
    return out;
  }
}
