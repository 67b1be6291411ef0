import { describe, expect, it } from 'vitest';
import { renderReleaseNotes, shellJoin, type ReleaseNotesInput } from './notes.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

const base: ReleaseNotesInput = {
  chart: { name: 'web-app', version: '0.3.0', appVersion: '1.27.3', description: 'A stateless web application served by nginx.' },
  registry: 'oci://ghcr.io/acme/charts',
  digest: DIGEST,
  repository: 'acme/charts',
  changelog: { version: '0.3.0', date: '2026-01-12', body: '### Added\n\n- Optional Ingress.' },
  signing: {
    mode: 'keyless',
    certificateIdentity: 'https://github.com/acme/charts/.github/workflows/release.yaml@refs/heads/release',
  },
  packageAsset: 'web-app-0.3.0.tgz',
  bundleAsset: 'web-app-0.3.0.tgz.sigstore.json',
  lineage: {
    pullRequest: { number: 42, url: 'https://github.com/acme/charts/pull/42', title: 'web-app: ingress', approvedBy: ['alice', 'bob'] },
    attestations: [
      { stage: 'lint', predicateType: 'https://in-toto.io/attestation/test-result/v0.1', url: 'https://github.com/acme/charts/attestations/1' },
      { stage: 'build', predicateType: 'https://slsa.dev/provenance/v1' },
    ],
    asset: 'web-app-attestation-lineage.json',
  },
};

describe('release notes', () => {
  it('hold the changelog section, install and verify commands, digest and lineage', async () => {
    const notes = renderReleaseNotes(base);
    expect(notes).toContain('helm install web-app oci://ghcr.io/acme/charts/web-app --version 0.3.0');
    expect(notes).toContain(
      `cosign verify ghcr.io/acme/charts/web-app@${DIGEST} --certificate-identity https://github.com/acme/charts/.github/workflows/release.yaml@refs/heads/release --certificate-oidc-issuer https://token.actions.githubusercontent.com`,
    );
    expect(notes).toContain(`gh attestation verify oci://ghcr.io/acme/charts/web-app@${DIGEST} --repo acme/charts`);
    expect(notes).not.toMatch(/unsigned/i);
    await expect(notes).toMatchFileSnapshot('__snapshots__/notes-keyless.md');
  });

  it('give a library chart a dependency snippet instead of helm install', async () => {
    const notes = renderReleaseNotes({
      ...base,
      chart: { name: 'common-lib', version: '0.2.0', type: 'library', description: 'Shared templates.' },
      lineage: null,
    });
    expect(notes).not.toContain('helm install');
    expect(notes).toContain('## Use as a dependency');
    expect(notes).toContain('dependencies:\n  - name: common-lib\n    version: "0.2.0"\n    repository: oci://ghcr.io/acme/charts\n');
    await expect(notes).toMatchFileSnapshot('__snapshots__/notes-library.md');
  });

  it('say clearly that an unsigned release is unsigned, with no verify commands', async () => {
    const notes = renderReleaseNotes({ ...base, signing: { mode: 'none' }, lineage: null });
    expect(notes).toContain('**This release is unsigned.**');
    expect(notes).not.toContain('cosign verify');
    expect(notes).not.toContain('gh attestation verify');
    await expect(notes).toMatchFileSnapshot('__snapshots__/notes-unsigned.md');
  });

  it('fall back to the commits that touched the chart when the CHANGELOG has no section', async () => {
    const notes = renderReleaseNotes({
      ...base,
      changelog: undefined,
      commits: [
        { sha: '0123456789abcdef', subject: 'web-app: add ingress' },
        { sha: 'fedcba9876543210', subject: 'web-app: bump nginx' },
      ],
      signing: { mode: 'key', publicKey: 'https://example.com/cosign.pub' },
      lineage: { note: 'Pushed directly to the release branch, without a pull request.' },
    });
    expect(notes).toContain('CHANGELOG.md has no section for 0.3.0');
    expect(notes).toContain('- web-app: add ingress (0123456)');
    expect(notes).toContain(`cosign verify ghcr.io/acme/charts/web-app@${DIGEST} --key https://example.com/cosign.pub`);
    await expect(notes).toMatchFileSnapshot('__snapshots__/notes-commits-key.md');
  });

  it('say when no changes were recorded, and default the identity to the repository workflows', () => {
    const notes = renderReleaseNotes({
      ...base,
      changelog: { version: '0.3.0', body: '' },
      signing: { mode: 'keyless' },
      serverUrl: 'https://github.example.com/',
    });
    expect(notes).toContain('No changes were recorded for this version.');
    expect(notes).toContain("--certificate-identity-regexp '^https://github\\.example\\.com/acme/charts/\\.github/workflows/'");
  });

  it('render a user template and name its mistakes', () => {
    expect(renderReleaseNotes({ ...base, template: '{{chart}}@{{digest}}{{#unsigned}} (unsigned){{/unsigned}}' })).toBe(`web-app@${DIGEST}`);
    expect(() => renderReleaseNotes({ ...base, template: '{{nope}}', templateFile: '.github/release-notes.md' })).toThrow(
      expect.objectContaining({ code: 'NOTES_TEMPLATE_INVALID', file: '.github/release-notes.md' }),
    );
  });

  it("shorten a huge changelog section to fit GitHub's body limit", () => {
    const notes = renderReleaseNotes({ ...base, changelog: { version: '0.3.0', body: '- x\n'.repeat(50_000) } });
    expect(notes.length).toBeLessThanOrEqual(125_000);
    expect(notes).toContain('shortened');
    expect(notes).toContain('cosign verify');
  });
});

describe('shell quoting', () => {
  it('quote only words a shell would split or expand', () => {
    expect(shellJoin(['cosign', 'verify', '^a$', "it's"])).toBe(`cosign verify '^a$' 'it'\\''s'`);
  });
});
