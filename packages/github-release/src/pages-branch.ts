import { ReleaseError } from '@chart-release/core';
import { describeGitHubError, type GitHubClient, type RepositoryRef } from '@chart-release/github-client';

/** A branch as read through the Git Data API: its head commit and tree (null when the branch does not exist) and the files asked for. */
export interface BranchSnapshot {
  branch: string;
  commit: string | null;
  tree: string | null;
  /** path -> text, null for a file that is not there. */
  files: Map<string, string | null>;
}

/** A file to write on the branch. */
export interface BranchFile {
  path: string;
  content: string;
}

const status = (error: unknown) => (error as { status?: number }).status;

/**
 * Files on a branch (the Pages branch) read and written through the Git Data API, with no checkout: blobs, a tree
 * on top of the head's tree, a commit whose parent is the head, then a ref update without force. Commits carry no
 * author, so GitHub makes and signs them for the token (they show as verified and pass rulesets that require
 * signed commits). See https://docs.github.com/en/rest/git.
 */
export class PagesBranch {
  readonly octokit: GitHubClient;
  readonly repository: RepositoryRef;
  readonly branch: string;

  constructor(options: { octokit: GitHubClient; repository: RepositoryRef; branch: string }) {
    this.octokit = options.octokit;
    this.repository = options.repository;
    this.branch = options.branch;
  }

  /** Reads the head of the branch and the text of `paths` at it (GET git/ref, git/commits, git/trees, git/blobs). */
  async read(paths: string[]): Promise<BranchSnapshot> {
    const repo = this.repository;
    const files = new Map<string, string | null>(paths.map((p) => [p, null]));
    let commit: string;
    try {
      // GET /repos/{owner}/{repo}/git/ref/heads/{branch}: 404 when the branch does not exist yet
      const { data } = await this.octokit.rest.git.getRef({
        ...repo,
        ref: `heads/${this.branch}`,
      });
      commit = data.object.sha;
    } catch (error) {
      if (status(error) === 404) return { branch: this.branch, commit: null, tree: null, files };
      throw describeGitHubError(error, { doing: `reading the branch ${this.branch}`, permission: 'contents: write' });
    }
    try {
      const { data } = await this.octokit.rest.git.getCommit({
        ...repo,
        commit_sha: commit,
      });
      const tree = data.tree.sha;
      for (const path of paths) files.set(path, await this.#readFile(tree, path));
      return { branch: this.branch, commit, tree, files };
    } catch (error) {
      throw describeGitHubError(error, { doing: `reading ${paths.join(', ')} on the branch ${this.branch}`, permission: 'contents: write' });
    }
  }

  // walks the tree one folder at a time (GET git/trees/{sha}), then GET git/blobs/{sha} (base64, up to 100 MB)
  async #readFile(rootTree: string, path: string): Promise<string | null> {
    const parts = path.split('/').filter(Boolean);
    let tree = rootTree;
    for (const [i, part] of parts.entries()) {
      const { data } = await this.octokit.rest.git.getTree({
        ...this.repository,
        tree_sha: tree,
      });
      const entry = data.tree.find((e) => e.path === part);
      if (!entry?.sha) return null;
      if (i === parts.length - 1) {
        if (entry.type !== 'blob') return null;
        const blob = await this.octokit.rest.git.getBlob({
          ...this.repository,
          file_sha: entry.sha,
        });
        return Buffer.from(blob.data.content, blob.data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
      }
      if (entry.type !== 'tree') return null;
      tree = entry.sha;
    }
    return null;
  }

  /**
   * Commits `files` on top of `base` (the snapshot they were computed from). Returns the new commit, or `moved`
   * when the branch is no longer at `base` (GitHub answers 422: the update is not a fast forward, or the branch
   * was created meanwhile), so the caller re-reads and tries again. A missing branch is created with an orphan
   * commit (no parent).
   */
  async write(base: BranchSnapshot, files: BranchFile[], message: string): Promise<{ commit: string } | 'moved'> {
    const repo = this.repository;
    let commit: string;
    try {
      const tree = [];
      for (const file of files) {
        // POST git/blobs
        const { data } = await this.octokit.rest.git.createBlob({
          ...repo,
          content: Buffer.from(file.content, 'utf8').toString('base64'),
          encoding: 'base64',
        });
        tree.push({
          path: file.path,
          mode: '100644' as const,
          type: 'blob' as const,
          sha: data.sha,
        });
      }
      // POST git/trees on top of the head's tree, POST git/commits with the head as parent (none for a new branch)
      const { data: newTree } = await this.octokit.rest.git.createTree({
        ...repo,
        tree,
        ...(base.tree ? { base_tree: base.tree } : {}),
      });
      const { data: newCommit } = await this.octokit.rest.git.createCommit({
        ...repo,
        message,
        tree: newTree.sha,
        parents: base.commit ? [base.commit] : [],
      });
      commit = newCommit.sha;
    } catch (error) {
      throw describeGitHubError(error, { doing: `writing ${files.map((f) => f.path).join(', ')} to the branch ${this.branch}`, permission: 'contents: write' });
    }
    try {
      if (base.commit)
        await this.octokit.rest.git.updateRef({
          ...repo,
          ref: `heads/${this.branch}`,
          sha: commit,
          force: false,
        });
      else
        await this.octokit.rest.git.createRef({
          ...repo,
          ref: `refs/heads/${this.branch}`,
          sha: commit,
        });
      return { commit };
    } catch (error) {
      const why = (error as Error).message ?? '';
      if ((status(error) === 422 && /fast.forward|already exists/i.test(why)) || status(error) === 409) return 'moved';
      const described = describeGitHubError(error, { doing: `moving the branch ${this.branch} to ${commit.slice(0, 12)}`, permission: 'contents: write' });
      if (status(error) !== 422) throw described;
      throw new ReleaseError('PAGES_BRANCH_REFUSED', described.message, {
        hint: `a ruleset or branch protection on ${this.branch} refuses the update; allow the workflow's token to push to it (commits made through the API are signed by GitHub).`,
        cause: error,
      });
    }
  }
}
