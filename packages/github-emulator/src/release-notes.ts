import { htmlUrl, type RenderContext } from './render-repo.ts';
import { resolveCommitish, type ReleaseRecord, type RepoRecord } from './state.ts';

/**
 * Release notes as GitHub generates them (`generate_release_notes`, `POST /releases/generate-notes`): the pull
 * requests merged since the previous release, then the full changelog link.
 * https://docs.github.com/en/repositories/releasing-projects-on-github/automatically-generated-release-notes
 */
export function generateNotes(ctx: RenderContext, repo: RepoRecord, tagName: string, target: string, previousTag?: string): { name: string; body: string } {
  const previous = previousTag ?? previousRelease(repo, tagName)?.tag_name;
  const head = resolveCommitish(repo, `refs/tags/${tagName}`) ?? resolveCommitish(repo, target);
  const since = previous ? reachable(repo, resolveCommitish(repo, `refs/tags/${previous}`)) : new Set<string>();
  const included = [...reachable(repo, head)].filter((sha) => !since.has(sha));
  const web = htmlUrl(ctx, `${repo.owner}/${repo.name}`);
  const pulls = repo.pulls.filter((p) => p.merged && p.merge_commit_sha !== null && included.includes(p.merge_commit_sha)).sort((a, b) => a.number - b.number);
  const lines = pulls.map((p) => `* ${p.title} by @${p.user} in ${web}/pull/${p.number}`);
  const changes = lines.length ? `## What's Changed\n${lines.join('\n')}\n\n` : '';
  const changelog = previous ? `**Full Changelog**: ${web}/compare/${previous}...${tagName}` : `**Full Changelog**: ${web}/commits/${tagName}`;
  return { name: tagName, body: `${changes}${changelog}` };
}

/** The newest published release other than `tagName`. */
function previousRelease(repo: RepoRecord, tagName: string): ReleaseRecord | undefined {
  return [...repo.releases]
    .filter((r) => !r.draft && r.tag_name !== tagName)
    .sort((a, b) => (b.published_at ?? '').localeCompare(a.published_at ?? '') || b.id - a.id)[0];
}

function reachable(repo: RepoRecord, start: string | undefined): Set<string> {
  const seen = new Set<string>();
  const queue = start ? [start] : [];
  while (queue.length) {
    const sha = queue.pop()!;
    if (seen.has(sha)) continue;
    seen.add(sha);
    queue.push(...(repo.commits.find((c) => c.sha === sha)?.parents ?? []));
  }
  return seen;
}
