import { ReleaseError } from '@chart-release/core';
import { describe, expect, it } from 'vitest';
import { classifyHelmFailure, HelmCommandError, parseHelmPushOutput } from './helm-cli.ts';
import { chartMetadata, goJson, goRfc3339 } from './helm-manifest.ts';

const DIGEST = `sha256:${'4'.repeat(64)}`;

describe('helm push output', () => {
  it('reads Pushed and Digest from stderr (helm v3.17 and v4.1) or stdout (other releases)', () => {
    const text = `Pushed: 127.0.0.1:5000/charts/web-app:0.3.0\nDigest: ${DIGEST}\n`;
    expect(parseHelmPushOutput('', text)).toEqual({ ref: '127.0.0.1:5000/charts/web-app:0.3.0', digest: DIGEST });
    expect(parseHelmPushOutput(text, 'WARNING: something')).toEqual({ ref: '127.0.0.1:5000/charts/web-app:0.3.0', digest: DIGEST });
    expect(parseHelmPushOutput('Pushed: x', 'Error: nope')).toBeUndefined();
  });

  it('retries helm failures that name a transient registry answer, never auth failures', () => {
    const failure = (output: string) => new HelmCommandError('HELM_PUSH_FAILED', 'helm push failed', { details: { output } });
    expect(
      classifyHelmFailure(
        failure('Error: failed to perform "Push" on destination: PUT "http://r/v2/c/manifests/1": response status code 503: Service Unavailable'),
      ).retry,
    ).toBe(true);
    expect(classifyHelmFailure(failure('Error: read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer')).retry).toBe(true);
    expect(classifyHelmFailure(failure('Error: unexpected status code 401: unauthorized: authentication required')).retry).toBe(false);
    expect(classifyHelmFailure(failure('Error: chart name mismatch')).retry).toBe(false);
    expect(classifyHelmFailure(new ReleaseError('CHART_YAML_INVALID', 'y')).retry).toBe(false);
  });
});

describe("helm's manifest encoding", () => {
  it('writes JSON as Go does', () => {
    expect(goJson({ d: 'a <b> & c\u2028' })).toBe('{"d":"a \\u003cb\\u003e \\u0026 c\\u2028"}');
  });

  it('formats the created time as Go RFC 3339', () => {
    const date = new Date('2026-01-02T03:04:05.678Z');
    const expected = date.getTimezoneOffset() === 0 ? '2026-01-02T03:04:05Z' : /^2026-01-0[12]T\d\d:\d\d:05[+-]\d\d:\d\d$/;
    if (typeof expected === 'string') expect(goRfc3339(date)).toBe(expected);
    else expect(goRfc3339(date)).toMatch(expected);
  });

  it('orders chart metadata as helm marshals it and drops empty fields', () => {
    const meta = chartMetadata({
      apiVersion: 'v2',
      version: '1.0.0',
      name: 'web',
      description: 'multi\nline',
      type: 'application',
      annotations: { z: '1', a: '2' },
      dependencies: [{ name: 'lib', repository: 'file://../lib', version: '1.x' }],
      icon: '',
    });
    expect(JSON.stringify(meta)).toBe(
      '{"name":"web","version":"1.0.0","description":"multi line","apiVersion":"v2","annotations":{"a":"2","z":"1"},"dependencies":[{"name":"lib","version":"1.x","repository":"file://../lib"}],"type":"application"}',
    );
  });
});
