import { cp, mkdir, mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

/** A real git repository in a temp folder, with a fixed identity and dates so commits are reproducible. */
export class GitRepo {
  private tick = 0;
  readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Creates an empty repository on branch `branch` (default `main`). */
  static async create(options: { branch?: string; dir?: string } = {}): Promise<GitRepo> {
    const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'chart-repo-')));
    await mkdir(dir, { recursive: true });
    const repo = new GitRepo(dir);
    await repo.git('init', '-q', '-b', options.branch ?? 'main');
    await repo.git('config', 'commit.gpgsign', 'false');
    return repo;
  }

  /** Runs git in the repository and returns trimmed stdout. */
  async git(...args: string[]): Promise<string> {
    const date = new Date(Date.UTC(2026, 0, 1) + this.tick * 60_000).toISOString();
    const r = await execa('git', args, {
      cwd: this.dir,
      reject: false,
      env: {
        GIT_AUTHOR_NAME: 'Chart Maintainer',
        GIT_AUTHOR_EMAIL: 'maintainer@example.com',
        GIT_COMMITTER_NAME: 'Chart Maintainer',
        GIT_COMMITTER_EMAIL: 'maintainer@example.com',
        GIT_AUTHOR_DATE: date,
        GIT_COMMITTER_DATE: date,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
      },
    });
    if (r.exitCode !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout.trim();
  }

  /** Writes `content` to `path` (relative to the repository), creating folders. */
  async write(path: string, content: string): Promise<void> {
    const full = join(this.dir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }

  async read(path: string): Promise<string> {
    return readFile(join(this.dir, path), 'utf8');
  }

  async remove(path: string): Promise<void> {
    await rm(join(this.dir, path), { recursive: true, force: true });
  }

  /** Copies a folder from outside (e.g. an example chart) to `path` in the repository. */
  async copyIn(source: string, path: string): Promise<void> {
    await cp(source, join(this.dir, path), { recursive: true });
  }

  /** Stages everything and commits; returns the new commit's sha. */
  async commit(message: string): Promise<string> {
    this.tick++;
    await this.git('add', '-A');
    await this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.head();
  }

  /** The sha of `rev` (default HEAD). */
  async head(rev = 'HEAD'): Promise<string> {
    return this.git('rev-parse', rev);
  }

  async checkout(branch: string, options: { create?: boolean } = {}): Promise<void> {
    await this.git('checkout', '-q', ...(options.create ? ['-b'] : []), branch);
  }

  /** Merges `branch` into the current branch with a merge commit; returns its sha. */
  async merge(branch: string, message = `Merge ${branch}`): Promise<string> {
    this.tick++;
    await this.git('merge', '-q', '--no-ff', '-m', message, branch);
    return this.head();
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
