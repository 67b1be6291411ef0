import { isReleaseError, type ReleaseError } from '@chart-release/core';
import { describe, expect, it } from 'vitest';
import { findMapBlocks, renderMapBlock } from './map-block.ts';
import { parseAttestationMap, type MapLocation } from './map-parse.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const BODY: MapLocation = { pr: 12, kind: 'body', url: 'https://github.com/acme/charts/pull/12' };
const COMMENT: MapLocation = { pr: 12, kind: 'comment', url: 'https://github.com/acme/charts/pull/12#issuecomment-901', commentId: 901 };

const MAP = {
  version: 1,
  charts: {
    'web-app': {
      version: '1.2.3',
      attestations: [
        {
          stage: 'build',
          id: 4242,
          subjectDigest: DIGEST,
          predicateType: 'https://slsa.dev/provenance/v1',
          workflowRun: { id: 77, url: 'https://github.com/acme/charts/actions/runs/77', workflow: '.github/workflows/ci.yml' },
        },
        {
          stage: 'test',
          url: 'https://github.com/acme/charts/attestations/4243',
          subjectDigest: DIGEST,
          predicateType: 'https://in-toto.io/attestation/test-result/v0.1',
        },
      ],
    },
  },
};

function errorOf(fn: () => unknown): ReleaseError {
  try {
    fn();
  } catch (error) {
    if (isReleaseError(error)) return error;
    throw error;
  }
  throw new Error('expected a ReleaseError');
}

describe('finding the map block in Markdown', () => {
  it('finds the block after the marker, with CRLF line endings and text around it', () => {
    const md = `## Checks\r\n\r\n<details><summary>attestations</summary>\r\n\r\n${renderMapBlock(MAP).replace(/\n/g, '\r\n')}\r\n</details>`;
    const [block] = findMapBlocks(md);
    expect(block).toMatchObject({ markerVersion: 1, language: 'json', line: 5, contentLine: 7 });
    expect(JSON.parse(block!.content!)).toEqual(MAP);
  });

  it('accepts blank lines between the marker and a ~~~yaml fence', () => {
    const [block] = findMapBlocks('<!-- chart-release:attestation-map v1 -->\n\n~~~yml\nversion: 1\n~~~\n');
    expect(block).toMatchObject({ language: 'yaml', content: 'version: 1', contentLine: 4 });
  });

  it('reports a marker with no fenced block, or with an unknown language', () => {
    expect(findMapBlocks('<!-- chart-release:attestation-map v1 --> {"version":1}')[0]!.problem).toMatch(/not followed by/);
    expect(findMapBlocks('<!-- chart-release:attestation-map v1 -->\n```toml\nx=1\n```')[0]!.problem).toMatch(/`toml`/);
    expect(findMapBlocks('<!-- chart-release:attestation-map v1 -->\n```json\n{}\n')[0]!.problem).toMatch(/never closed/);
  });

  it('ignores Markdown without a marker', () => {
    expect(findMapBlocks('```json\n{"version":1,"charts":{}}\n```')).toEqual([]);
  });
});

describe('parsing and validating a map', () => {
  it('reads a JSON map and returns it unchanged', () => {
    expect(parseAttestationMap(`intro\n\n${renderMapBlock(MAP)}`, BODY)).toEqual(MAP);
  });

  it('reads the same map written as YAML', () => {
    const yaml = [
      'version: 1',
      'charts:',
      '  web-app:',
      '    version: "1.2.3"',
      '    attestations:',
      '      - stage: build',
      '        id: 4242',
      `        subjectDigest: "${DIGEST}"`,
      '        predicateType: https://slsa.dev/provenance/v1',
      '        workflowRun: { id: 77, url: "https://github.com/acme/charts/actions/runs/77", workflow: .github/workflows/ci.yml }',
      '      - stage: test',
      '        url: https://github.com/acme/charts/attestations/4243',
      `        subjectDigest: "${DIGEST}"`,
      '        predicateType: https://in-toto.io/attestation/test-result/v0.1',
    ].join('\n');
    expect(parseAttestationMap(`<!-- chart-release:attestation-map v1 -->\n\`\`\`yaml\n${yaml}\n\`\`\``, COMMENT)).toEqual(MAP);
  });

  it('returns undefined when there is no map', () => {
    expect(parseAttestationMap('LGTM', COMMENT)).toBeUndefined();
    expect(parseAttestationMap(null, BODY)).toBeUndefined();
  });

  it('names the PR, the comment and the JSON path of every bad field', () => {
    const bad = structuredClone(MAP) as { charts: Record<string, { attestations: Record<string, unknown>[] }> };
    bad.charts['web-app']!.attestations[0]!.subjectDigest = 'sha256:nothex';
    delete bad.charts['web-app']!.attestations[1]!.predicateType;
    bad.charts['web-app']!.attestations[1]!.signer = 'me';
    const error = errorOf(() => parseAttestationMap(renderMapBlock(bad), COMMENT));
    expect(error.code).toBe('ATTESTATION_MAP_INVALID');
    expect(error.chart).toBe('web-app');
    expect(error.file).toBe(COMMENT.url);
    expect(error.message).toContain('PR #12 comment 901');
    expect(error.message).toContain('/charts/web-app/attestations/0/subjectDigest must match');
    expect(error.message).toContain('/charts/web-app/attestations/1/predicateType is required');
    expect(error.message).toContain('/charts/web-app/attestations/1/signer is not a known field');
    expect(error.details).toMatchObject({ pr: 12, commentId: 901 });
  });

  it('explains an attestation with neither id nor url in one line', () => {
    const bad = { version: 1, charts: { lib: { attestations: [{ stage: 'build', subjectDigest: DIGEST, predicateType: 'https://slsa.dev/provenance/v1' }] } } };
    const error = errorOf(() => parseAttestationMap(renderMapBlock(bad), BODY));
    expect(error.message).toContain('/charts/lib/attestations/0 must have id or url');
    expect(error.message).not.toContain("required property 'id'");
  });

  it('rejects a wrong document version and an unsafe chart name', () => {
    const error = errorOf(() => parseAttestationMap(renderMapBlock({ version: 2, charts: { '../evil': { attestations: [] } } }), BODY));
    expect(error.message).toContain('/version must be 1');
    expect(error.message).toContain('/charts/..~1evil');
  });

  it('rejects a marker of a version it does not read', () => {
    const error = errorOf(() => parseAttestationMap('<!-- chart-release:attestation-map v2 -->\n```json\n{}\n```', BODY));
    expect(error.code).toBe('ATTESTATION_MAP_UNSUPPORTED_VERSION');
  });

  it('rejects two maps in one comment', () => {
    const error = errorOf(() => parseAttestationMap(`${renderMapBlock(MAP)}\n${renderMapBlock(MAP)}`, COMMENT));
    expect(error.code).toBe('ATTESTATION_MAP_AMBIGUOUS');
    expect(error.message).toContain('comment 901');
  });

  it('reports JSON and YAML syntax errors with the place', () => {
    const json = errorOf(() => parseAttestationMap('<!-- chart-release:attestation-map v1 -->\n```json\n{"version": 1,,}\n```', COMMENT));
    expect(json.code).toBe('ATTESTATION_MAP_UNPARSABLE');
    expect(json.message).toMatch(/PR #12 comment 901 .*not valid JSON/);
    const yaml = errorOf(() => parseAttestationMap('text\n<!-- chart-release:attestation-map v1 -->\n```yaml\nversion: 1\nversion: 1\n```', COMMENT));
    expect(yaml.message).toMatch(/not valid YAML \(line 5\)/);
  });

  it('refuses a YAML alias bomb instead of expanding it', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
    ].join('\n');
    const error = errorOf(() => parseAttestationMap(`<!-- chart-release:attestation-map v1 -->\n\`\`\`yaml\n${bomb}\n\`\`\``, BODY));
    expect(error.code).toBe('ATTESTATION_MAP_UNPARSABLE');
  });
});

describe('size limit', () => {
  const big = {
    version: 1,
    charts: Object.fromEntries(
      Array.from({ length: 150 }, (_, i) => [
        `chart-${i}`,
        { attestations: [{ stage: 'build', id: i + 1, subjectDigest: DIGEST, predicateType: 'https://slsa.dev/provenance/v1' }] },
      ]),
    ),
  };

  it('rejects a map over the limit before parsing it, naming its size and the limit', () => {
    const md = renderMapBlock(big);
    const error = errorOf(() => parseAttestationMap(md, COMMENT, { maxBytes: 4096 }));
    expect(error.code).toBe('ATTESTATION_MAP_TOO_LARGE');
    expect(error.message).toMatch(/PR #12 comment 901 .* over the limit of 4096 bytes/);
    expect(error.details).toMatchObject({ maxBytes: 4096, commentId: 901 });
  });

  it('accepts the same map under the default limit', () => {
    expect(Object.keys(parseAttestationMap(renderMapBlock(big), COMMENT)!.charts)).toHaveLength(150);
  });
});
