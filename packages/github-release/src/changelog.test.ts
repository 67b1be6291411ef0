import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exampleChartsDir } from '@chart-release/testkit';
import { extractChangelogSection } from './changelog.ts';

const KEEP_A_CHANGELOG = `# Changelog

## [Unreleased]

- Not yet.

## [1.3.0-rc.1] - 2026-02-01

### Added

- Preview of \`ingress.tls\`.

## [1.2.0] - 2026-01-12

### Added

- Ingress.

\`\`\`yaml
## not a heading, inside a fence
ingress:
  enabled: true
\`\`\`

### Fixed

- Probe path.

## [1.1.0] - 2025-11-02

- Readiness probe.

[Unreleased]: https://github.com/acme/charts/compare/web-app-v1.2.0...HEAD
[1.2.0]: https://github.com/acme/charts/compare/web-app-v1.1.0...web-app-v1.2.0
[1.1.0]: https://github.com/acme/charts/releases/tag/web-app-v1.1.0
`;

describe('CHANGELOG sections', () => {
  it('take the version section up to the next version heading, keeping ### subsections and fences', () => {
    const section = extractChangelogSection(KEEP_A_CHANGELOG, '1.2.0');
    expect(section?.date).toBe('2026-01-12');
    expect(section?.body).toBe(
      '### Added\n\n- Ingress.\n\n```yaml\n## not a heading, inside a fence\ningress:\n  enabled: true\n```\n\n### Fixed\n\n- Probe path.',
    );
  });

  it('drop the link definitions after the last section', () => {
    expect(extractChangelogSection(KEEP_A_CHANGELOG, '1.1.0')?.body).toBe('- Readiness probe.');
  });

  it('match prerelease versions exactly, not by prefix', () => {
    expect(extractChangelogSection(KEEP_A_CHANGELOG, '1.3.0-rc.1')?.body).toBe('### Added\n\n- Preview of `ingress.tls`.');
    expect(extractChangelogSection(KEEP_A_CHANGELOG, '1.3.0')).toBeUndefined();
    expect(extractChangelogSection(KEEP_A_CHANGELOG, '1.2')).toBeUndefined();
  });

  it('return undefined when the version has no section', () => {
    expect(extractChangelogSection(KEEP_A_CHANGELOG, '9.9.9')).toBeUndefined();
    expect(extractChangelogSection('', '1.0.0')).toBeUndefined();
  });

  it('accept headings without brackets or date, with a v prefix, a link, or an en dash, and CRLF files', () => {
    expect(extractChangelogSection('## 2.0.0\n- a\n## 1.0.0\n- b', '2.0.0')).toEqual({ version: '2.0.0', body: '- a' });
    expect(extractChangelogSection('## [v2.0.0](https://x/y) – 2026-03-04\r\n\r\n- a\r\n', '2.0.0')).toEqual({
      version: '2.0.0',
      date: '2026-03-04',
      body: '- a',
    });
    expect(extractChangelogSection('# Changelog\n\n## 2.0.0 (2026-03-04)\n\n- a\n', '2.0.0')?.date).toBe('2026-03-04');
  });

  it('give an empty body for an empty section rather than the next one', () => {
    expect(extractChangelogSection('## [1.0.0] - 2026-01-01\n\n## [0.9.0] - 2025-01-01\n- old\n', '1.0.0')).toEqual({
      version: '1.0.0',
      date: '2026-01-01',
      body: '',
    });
  });

  it('read the example chart changelog', () => {
    const text = readFileSync(`${exampleChartsDir()}/web-app/CHANGELOG.md`, 'utf8');
    expect(extractChangelogSection(text, '0.3.0')?.body).toContain('Optional Ingress');
  });
});
