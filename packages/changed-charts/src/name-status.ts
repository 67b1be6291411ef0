/** One entry of `git diff --name-status`: what happened to a file between base and head. */
export interface FileChange {
  /** A added, M modified, D deleted, R renamed, C copied, T type changed (https://git-scm.com/docs/git-diff#_raw_output_format). */
  status: 'A' | 'M' | 'D' | 'R' | 'C' | 'T';
  /** The path at head (for D, the path at base). */
  path: string;
  /** For R and C: the path at base. */
  previousPath?: string;
  /** For R and C: the similarity index, 0-100 (100 = the content did not change). */
  similarity?: number;
  /** From `--raw` output: the blob ids at base and at head (undefined on the side where the file does not exist). */
  baseSha?: string;
  headSha?: string;
}

/** Parses the NUL-separated output of `git diff --name-status -z` (with `-M`, renames carry two paths). */
export function parseNameStatus(output: string): FileChange[] {
  const fields = output.split('\0');
  const changes: FileChange[] = [];
  let i = 0;
  while (i < fields.length) {
    const code = fields[i++];
    if (!code) continue;
    const letter = code[0] as FileChange['status'] | 'U' | 'X';
    if (letter === 'R' || letter === 'C') {
      const previousPath = fields[i++]!;
      const path = fields[i++]!;
      changes.push({ status: letter, path, previousPath, similarity: Number(code.slice(1)) || 0 });
    } else if (letter === 'A' || letter === 'M' || letter === 'D' || letter === 'T') {
      changes.push({ status: letter, path: fields[i++]! });
    } else {
      // U (unmerged) and X (unknown) cannot appear between two commits; keep the path as a modification
      changes.push({ status: 'M', path: fields[i++]! });
    }
  }
  return changes;
}

/**
 * Parses `git diff --raw -z --no-abbrev` output: `:<mode> <mode> <sha> <sha> <status>\0<path>\0[<path>\0]`
 * (https://git-scm.com/docs/git-diff#_raw_output_format). Same entries as `--name-status`, plus the blob ids.
 */
export function parseRawDiff(output: string): FileChange[] {
  const fields = output.split('\0');
  const changes: FileChange[] = [];
  let i = 0;
  const blob = (sha: string | undefined) => (sha && !/^0+$/.test(sha) ? sha : undefined);
  while (i < fields.length) {
    const meta = fields[i++];
    if (!meta) continue;
    const [, , oldSha, newSha, code = 'M'] = meta.split(' ');
    const letter = code[0];
    const baseSha = blob(oldSha);
    const headSha = blob(newSha);
    if (letter === 'R' || letter === 'C') {
      const previousPath = fields[i++]!;
      const path = fields[i++]!;
      changes.push({ status: letter, path, previousPath, similarity: Number(code.slice(1)) || 0, baseSha, headSha });
    } else {
      const status = letter === 'A' || letter === 'D' || letter === 'T' ? letter : 'M';
      changes.push({ status, path: fields[i++]!, baseSha, headSha });
    }
  }
  return changes;
}
