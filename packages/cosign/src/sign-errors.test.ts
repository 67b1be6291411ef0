import { describe, expect, it } from 'vitest';
import { ReleaseError } from '@chart-release/core';
import { signingFailed } from './sign-errors.ts';

describe('signing failures', () => {
  it('name the chart and every distinct cause once', () => {
    const error = signingFailed(
      new Error('error creating signing certificate - (404) Not Found', { cause: new Error('(404) Not Found') }),
      'ghcr.io/acme/nginx@sha256:abc',
      'nginx',
    );
    expect(error).toMatchObject({
      code: 'SIGNING_FAILED',
      chart: 'nginx',
      message: 'signing ghcr.io/acme/nginx@sha256:abc failed: error creating signing certificate - (404) Not Found',
    });
  });

  it('never carry an identity token', () => {
    const jwt = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl';
    expect(signingFailed(new Error(`invalid identity token: ${jwt}`), 'x').message).not.toContain(jwt);
  });

  it('keep release errors as they are', () => {
    const original = new ReleaseError('SIGNATURE_INVALID', 'x');
    expect(signingFailed(original, 'y')).toBe(original);
  });
});
