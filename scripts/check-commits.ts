#!/usr/bin/env node
// Every commit message since the convention began is a conventional commit (https://www.conventionalcommits.org),
// because `nx release` reads them to pick each package's next version and write its changelog: a message it cannot
// read is a change no release mentions. Run by `npm test` before the suite; prints each offending commit with the
// expected form. History before CONVENTION_SINCE predates the convention and is left as it is.
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The last commit written before the convention, and its commit date (for a shallow clone that lacks it). */
const CONVENTION_SINCE = { commit: 'b4531382434f7199250480ac08645b3bd049792c', date: '2026-11-23T15:55:21+00:00' };

/** The types `nx release` knows (feat: minor, fix and perf: patch, `!` or a BREAKING CHANGE footer: major). */
export const COMMIT_TYPES = ['feat', 'fix', 'perf', 'refactor', 'test', 'docs', 'build', 'ci', 'chore', 'style', 'revert'] as const;
const SUBJECT = new RegExp(`^(${COMMIT_TYPES.join('|')})(\\([^()\\s]+\\))?!?: \\S`);

/** Whether `subject` (a commit message's first line) is a conventional commit's. */
export function isConventionalSubject(subject: string): boolean {
  return SUBJECT.test(subject);
}

function git(args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function main(): number {
  let range: string[];
  try {
    git(['cat-file', '-e', `${CONVENTION_SINCE.commit}^{commit}`]);
    range = [`${CONVENTION_SINCE.commit}..HEAD`];
  } catch {
    // a shallow clone without the starting commit: the commits it has that are younger than it
    range = [`--since=${CONVENTION_SINCE.date}`, 'HEAD'];
  }
  const log = git(['log', '--no-merges', '--format=%h%x09%s', ...range]).trim();
  const commits = log ? log.split('\n').map((line) => line.split('\t') as [string, string]) : [];
  const bad = commits.filter(([, subject]) => !isConventionalSubject(subject));
  for (const [sha, subject] of bad) process.stderr.write(`check-commits: ${sha} "${subject}" is not a conventional commit\n`);
  if (bad.length) {
    process.stderr.write(
      `check-commits: ${bad.length} of ${commits.length} commit messages cannot be read by nx release. Fix: reword them as '<type>(<scope>): <summary>', type one of ${COMMIT_TYPES.join(', ')} (git rebase -i, then reword).\n`,
    );
    return 1;
  }
  process.stderr.write(`check-commits: ${commits.length} commits since the convention began, all conventional\n`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
