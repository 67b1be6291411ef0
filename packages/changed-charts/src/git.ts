import { ReleaseError } from '@chart-release/core';
import { gitEnv, runGit } from './git-process.ts';
import { ObjectReader } from './object-reader.ts';

/**
 * The few git commands change detection needs, run with the git CLI from `cwd` (any folder of the repository:
 * pathspecs use `:(top)` and output is repository-relative). Object lookups share one `cat-file` process.
 */
export class GitReader {
  readonly cwd: string;
  readonly objects: ObjectReader;

  /** One copy of the environment for every git process of this reader (copying process.env is not free). */
  private readonly env = gitEnv();

  constructor(cwd: string) {
    this.cwd = cwd;
    this.objects = new ObjectReader(cwd, this.env);
  }

  /** Stops the `cat-file` process. */
  async close(): Promise<void> {
    await this.objects.close();
  }

  /** Runs git and returns stdout; `allowed` lists exit codes that are answers rather than failures. */
  async run(args: string[], options: { input?: string; allowed?: number[] } = {}): Promise<{ stdout: string; exitCode: number }> {
    const r = await runGit(this.cwd, args, options.input, this.env);
    if (r.exitCode !== 0 && !(options.allowed ?? []).includes(r.exitCode)) {
      const stderr = r.stderr.trim();
      if (/not a git repository/i.test(stderr)) {
        throw new ReleaseError('NOT_A_GIT_REPOSITORY', `${this.cwd} is not inside a git repository.`, {
          hint: 'run in a clone of the chart repository or pass --cwd.',
        });
      }
      throw new ReleaseError('GIT_FAILED', `git ${args.slice(0, 3).join(' ')} failed (exit ${r.exitCode}): ${stderr}`, {
        hint: 'check that git is installed and the repository is readable.',
      });
    }
    return { stdout: r.stdout, exitCode: r.exitCode };
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
   * The files at `rev` the pathspecs name whose text contains `pattern` (a plain string), with their text: `git grep`
   * on the revision, printing every line of each file that matches (`--all-match` with `^`, each line after its
   * file's name and a NUL), one thread (more only cost their start-up on a search this size). Options that a
   * user's git config could change (line numbers, columns, pattern syntax, colour, submodules, textconv) are set;
   * every file is searched as text, whatever .gitattributes says of it (a line runs from the NUL after the name to
   * the next newline, NULs of its own included). A file's text is its lines joined again, ending in a newline.
   */
  async filesContaining(rev: string, pattern: string, pathspecs: string[]): Promise<Map<string, string>> {
    const literal = pattern.replace(/[\\.*[\]^$]/g, (c) => `\\${c}`);
    const r = await this.run(
      // prettier-ignore
      ['grep', '--threads=1', '-z', '--text', '-G', '--all-match', '--full-name', '--no-line-number', '--no-column', '--no-color', '--no-textconv',
        '--no-recurse-submodules', '-e', literal, '-e', '^', rev, '--', ...pathspecs],
      { allowed: [1] },
    );
    const files = new Map<string, string[]>();
    const out = r.stdout;
    const prefix = `${rev}:`.length;
    for (let at = 0; at < out.length; ) {
      const nul = out.indexOf('\0', at);
      if (nul === -1) break;
      const eol = out.indexOf('\n', nul);
      const end = eol === -1 ? out.length : eol;
      const path = out.slice(at + prefix, nul);
      let lines = files.get(path);
      if (!lines) files.set(path, (lines = []));
      lines.push(out.slice(nul + 1, end));
      at = end + 1;
    }
    return new Map([...files].map(([path, lines]) => [path, `${lines.join('\n')}\n`]));
  }

  /**
   * `git diff-tree -r --raw --no-renames -z base head -- paths`: every added, modified and deleted file with the
   * blob ids of both sides. Without rename detection, which would cost a third of the diff's time on a big range:
   * moved charts are paired from their Chart.yaml and blob ids instead (see `pairMoves`). Merge commits need nothing
   * special: it compares the two trees. The plumbing command, not `git diff`: no `diff.*` setting of the user's
   * applies to it, and it starts faster.
   */
  async diffRaw(base: string, head: string, paths: string[]): Promise<string> {
    const pathspecs = paths.map((p) => `:(top,literal)${p}`);
    return (await this.run(['diff-tree', '-r', '--raw', '--no-abbrev', '--no-renames', '-z', base, head, '--', ...pathspecs])).stdout;
  }
}
