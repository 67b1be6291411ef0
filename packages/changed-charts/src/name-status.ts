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
