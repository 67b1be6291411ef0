import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The commits that touched a chart folder since a release tag, and that tag (absent: since the chart's start). */
export interface ChartCommits {
  since?: string;
  commits: { sha: string; subject: string }[];
}

/**
 * Subjects of the commits that touched `chartDir` since the chart's previous release tag, newest first: `previousTag`
 * when it exists, else the newest tag matching `tagGlob` other than `currentTag`; all of the chart's history when
 * there is none. Empty when `chartDir` is not in a git work tree.
 */
export async function chartCommitsSince(
  chartDir: string,
  options: { tagGlob: string; currentTag: string; head?: string; previousTag?: string },
): Promise<ChartCommits> {
  const head = options.head ?? 'HEAD';
  const git = async (...args: string[]) => (await run('git', args, { cwd: chartDir, maxBuffer: 64 * 1024 * 1024 })).stdout;
  try {
    const tags = (await git('tag', '--list', options.tagGlob, '--sort=-v:refname', '--merged', head)).split('\n').filter((t) => t && t !== options.currentTag);
    const since = options.previousTag && tags.includes(options.previousTag) ? options.previousTag : tags[0];
    const log = await git('log', '--format=%H%x09%s', '--max-count=200', since ? `${since}..${head}` : head, '--', '.');
    const commits = log
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [sha, ...subject] = line.split('\t');
        return { sha: sha!, subject: subject.join('\t') };
      });
    return { ...(since ? { since } : {}), commits };
  } catch {
    return { commits: [] };
  }
}

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
  return (await chartCommitsSince(chartDir, { tagGlob, currentTag, head })).commits;
}
