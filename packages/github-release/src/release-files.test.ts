import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractChangelogSection } from './changelog.ts';
import { parseArtifactHubChanges, renderGeneratedChangelog } from './generated-changelog.ts';
import { resolveReleaseSourceFiles } from './release-files.ts';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
    cwd,
    encoding: 'utf8',
  });

async function repository(files: Record<string, string>) {
  const root = await mkdtemp(join(tmpdir(), 'release-files-'));
  git(root, 'init', '-q', '-b', 'main');
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(root, path, '..'), { recursive: true });
    await writeFile(join(root, path), text);
  }
  git(root, 'add', '-A');
  git(root, 'commit', '-q', '-m', 'web: first version');
  return root;
}

const input = (root: string, extra: Partial<Parameters<typeof resolveReleaseSourceFiles>[0]> = {}) => ({
  chart: { name: 'web', version: '0.2.0' },
  chartDir: join(root, 'charts/web'),
  chartPath: 'charts/web',
  repositoryRoot: root,
  tagGlob: 'web-v*',
  currentTag: 'web-v0.2.0',
  previousTag: 'web-v0.1.0',
  outDir: join(root, '.chart-release/release-files/web'),
  ...extra,
});

describe('artifacthub.io/changes', () => {
  it('reads the plain string list and the structured list Artifact Hub documents', () => {
    expect(parseArtifactHubChanges('- Added cool feature\n- Fixed minor bug\n')).toEqual([
      { description: 'Added cool feature' },
      { description: 'Fixed minor bug' },
    ]);
    expect(
      parseArtifactHubChanges(
        '- kind: added\n  description: Cool feature\n  links:\n    - name: Github Issue\n      url: https://github.com/issue-url\n- kind: fixed\n  description: Minor bug\n',
      ),
    ).toEqual([
      { kind: 'added', description: 'Cool feature', links: [{ name: 'Github Issue', url: 'https://github.com/issue-url' }] },
      { kind: 'fixed', description: 'Minor bug' },
    ]);
    expect([parseArtifactHubChanges(undefined), parseArtifactHubChanges(''), parseArtifactHubChanges('kind: added')]).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('renders the changes as a Keep a Changelog section the release notes read back, grouped by kind', () => {
    const text = renderGeneratedChangelog(
      { name: 'web', version: '0.2.0' },
      {
        from: 'annotation',
        changes: [{ kind: 'fixed', description: 'Minor bug' }, { description: 'Plain entry' }, { kind: 'added', description: 'Cool feature' }],
      },
    );
    expect(extractChangelogSection(text, '0.2.0')!.body).toBe(
      "Generated from the `artifacthub.io/changes` annotation of web's Chart.yaml.\n\n- Plain entry\n\n### Added\n\n- Cool feature\n\n### Fixed\n\n- Minor bug",
    );
  });
});

describe('a chart release files', () => {
  it("takes the chart's own files first", async () => {
    const root = await repository({
      LICENSE: 'repo license\n',
      'charts/web/Chart.yaml': 'name: web\n',
      'charts/web/LICENSE.md': 'chart license\n',
      'charts/web/README.md': '# web\n',
      'charts/web/CHANGELOG.md': '## 0.2.0\n',
    });
    const found = await resolveReleaseSourceFiles(input(root));
    expect(found.origins).toEqual({ readme: 'chart', license: 'chart', changelog: 'chart' });
    expect(found.files.license).toBe(join(root, 'charts/web/LICENSE.md'));
  });

  it("gives a chart without LICENSE the repository's (first of LICENSE, LICENSE.md, LICENSE.txt, COPYING) and no README", async () => {
    const root = await repository({ COPYING: 'gpl\n', 'LICENSE.txt': 'mit\n', 'charts/web/Chart.yaml': 'name: web\n' });
    const found = await resolveReleaseSourceFiles(input(root));
    expect(found.files.license).toBe(join(root, 'LICENSE.txt'));
    expect(found.origins.license).toBe('repository');
    expect(found.files.readme).toBeUndefined();
  });

  it('generates the CHANGELOG from the annotation, else from the commits that touched the chart since its previous release tag', async () => {
    const root = await repository({ 'charts/web/Chart.yaml': 'name: web\n', 'charts/other/Chart.yaml': 'name: other\n' });
    git(root, 'tag', 'web-v0.1.0');
    await writeFile(join(root, 'charts/web/values.yaml'), 'a: 1\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'web: add a value');
    await writeFile(join(root, 'charts/other/values.yaml'), 'b: 1\n');
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'other: not this chart');

    const fromCommits = await resolveReleaseSourceFiles(input(root));
    expect(fromCommits.origins.changelog).toBe('commits');
    const text = await readFile(fromCommits.files.changelog!, 'utf8');
    expect(text).toContain('Generated from the commits that touched charts/web since web-v0.1.0.');
    expect(text).toMatch(/- web: add a value \([0-9a-f]{7}\)\n$/);
    expect(text).not.toContain('first version');
    // the same input gives the same bytes: a re-run finds the asset it uploaded
    expect(await readFile((await resolveReleaseSourceFiles(input(root))).files.changelog!, 'utf8')).toBe(text);

    const noTag = await resolveReleaseSourceFiles(input(root, { previousTag: undefined, tagGlob: 'none-v*' }));
    expect(await readFile(noTag.files.changelog!, 'utf8')).toContain('since the chart was added.\n\n- web: add a value');

    const annotated = await resolveReleaseSourceFiles(
      input(root, { chart: { name: 'web', version: '0.2.0', annotations: { 'artifacthub.io/changes': '- kind: security\n  description: CVE fixed\n' } } }),
    );
    expect(annotated.origins.changelog).toBe('annotation');
    expect(await readFile(annotated.files.changelog!, 'utf8')).toContain('### Security\n\n- CVE fixed\n');
  });

  it('has no substitute for a kind the repository demands from the chart folder', async () => {
    const root = await repository({ LICENSE: 'repo\n', 'charts/web/Chart.yaml': 'name: web\n' });
    const found = await resolveReleaseSourceFiles(input(root, { ownOnly: ['changelog', 'license'] }));
    expect(found.files).toEqual({});
  });
});
