import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Subjects of the commits that touched `chartDir` since the chart's previous release tag (the newest tag matching
 * `tagGlob` other than `currentTag`), newest first; all of the chart's history when it has no earlier tag.
 * Empty when `chartDir` is not in a git work tree.
 */
export async function commitsSincePreviousTag(
  chartDir: string,
  tagGlob: string,
  currentTag: string,
  head = 'HEAD',
): Promise<{ sha: string; subject: string }[]> {
  const git = async (...args: string[]) => (await run('git', args, { cwd: chartDir, maxBuffer: 64 * 1024 * 1024 })).stdout;
  try {
    const tags = (await git('tag', '--list', tagGlob, '--sort=-v:refname', '--merged', head)).split('\n').filter((t) => t && t !== currentTag);
    const range = tags[0] ? `${tags[0]}..${head}` : head;
    const log = await git('log', '--format=%H%x09%s', '--max-count=200', range, '--', '.');
    return log
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [sha, ...subject] = line.split('\t');
        return { sha: sha!, subject: subject.join('\t') };
      });
  } catch {
    return [];
  }
}
