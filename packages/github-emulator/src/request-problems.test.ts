import { describe, expect, it } from 'vitest';
import { invalidRequest } from './request-problems.ts';

describe('invalidRequest', () => {
  it('words problems as GitHub does', () => {
    const error = invalidRequest(
      [
        { path: '/requestBody', message: '', keyword: 'required', params: { missingProperty: 'tag_name' } },
        { path: '/requestBody/draft', message: 'must be boolean', keyword: 'type', params: { type: 'boolean' } },
        { path: '/requestBody/make_latest', message: '', keyword: 'enum', params: { allowedValues: ['true', 'false', 'legacy'] } },
        { path: '/query/per_page', message: 'must be integer', keyword: 'type', params: { type: 'integer' } },
      ],
      { draft: 'yes', make_latest: 'always' },
      new URLSearchParams('per_page=many'),
    );
    expect(error.status).toBe(422);
    expect(error.body.message).toBe(
      [
        'Invalid request.',
        '',
        '"tag_name" wasn\'t supplied.',
        `For 'properties/draft', "yes" is not a boolean.`,
        `For 'properties/make_latest', "always" is not a member of ["true","false","legacy"].`,
        `For 'properties/per_page', "many" is not an integer.`,
      ].join('\n'),
    );
  });
});
