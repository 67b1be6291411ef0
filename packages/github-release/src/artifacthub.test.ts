import { describe, expect, it } from 'vitest';
import { checkArtifactHubAnnotations, checkArtifactHubRepository, renderArtifactHubRepo } from './artifacthub.ts';

const FILE = 'charts/web-app/Chart.yaml';

describe('Artifact Hub metadata', () => {
  it('writes artifacthub-repo.yml with the repository ID and owners', () => {
    expect(
      renderArtifactHubRepo({
        repositoryID: '5c2d6ef8-5a8b-4a3f-9d9d-6f2d1f3b1a10',
        owners: [{ name: 'Acme', email: 'charts@acme.example' }],
      }),
    ).toBe('owners:\n- email: charts@acme.example\n  name: Acme\nrepositoryID: 5c2d6ef8-5a8b-4a3f-9d9d-6f2d1f3b1a10\n');
    expect(checkArtifactHubRepository({ repositoryID: 'abc', owners: [{ email: 'nobody' }] }, '.chart-release.yaml').map((e) => e.message)).toEqual([
      "artifactHub.repositoryID 'abc' is not a UUID.",
      'artifactHub.owners[0] has no valid email.',
    ]);
  });

  it('accepts annotations in the formats Artifact Hub documents', () => {
    const good = {
      'artifacthub.io/changes':
        '- kind: added\n  description: A new value\n  links:\n  - name: PR\n    url: https://github.com/acme/charts/pull/1\n- Plain text change\n',
      'artifacthub.io/images': '- name: web\n  image: ghcr.io/acme/web:1.0.0\n  whitelisted: true\n',
      'artifacthub.io/links': '- name: source\n  url: https://github.com/acme/charts\n',
      'artifacthub.io/signKey': 'fingerprint: C874011F0AB405110D02105534365D9472D7468F\nurl: https://keybase.io/acme/pgp_keys.asc\n',
      'artifacthub.io/containsSecurityUpdates': 'false',
      'artifacthub.io/license': 'Apache-2.0',
      'artifacthub.io/category': 'networking',
      other: 'anything',
    };
    expect(checkArtifactHubAnnotations('web-app', good, FILE)).toEqual([]);
  });

  it('names the chart, the file and the annotation of every bad one, all at once', () => {
    const bad = {
      'artifacthub.io/changes': '- kind: improved\n  description: x\n',
      'artifacthub.io/images': '- name: web\n',
      'artifacthub.io/links': 'https://github.com/acme/charts',
      'artifacthub.io/signKey': 'fingerprint: 1234\nurl: https://keybase.io/acme/pgp_keys.asc\n',
      'artifacthub.io/prerelease': 'yes',
      'artifacthub.io/maintainers': '- name: [\n',
    };
    const problems = checkArtifactHubAnnotations('web-app', bad, FILE);
    expect(problems.map((p) => [p.code, p.chart, p.file])).toEqual(Array(6).fill(['ARTIFACTHUB_ANNOTATION_INVALID', 'web-app', FILE]));
    expect(problems.map((p) => p.message)).toEqual([
      "annotation artifacthub.io/changes is not valid: item 1 has kind 'improved', not one of added, changed, deprecated, removed, fixed, security.",
      'annotation artifacthub.io/images is not valid: item 1 has no image (or whitelisted is not true/false).',
      'annotation artifacthub.io/links is not valid: expected a YAML list of objects with name and url.',
      'annotation artifacthub.io/signKey is not valid: fingerprint is not a 40-hex-digit key fingerprint.',
      `annotation artifacthub.io/prerelease is not valid: expected "true" or "false", not 'yes'.`,
      expect.stringMatching(/^annotation artifacthub.io\/maintainers is not valid: it is not YAML \(/),
    ]);
  });
});
