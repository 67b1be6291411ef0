import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { clearSecrets, redact } from '@chart-release/core';
import { resolveIdentityToken } from './identity-token.ts';

afterEach(() => clearSecrets());

describe('identity token', () => {
  it('prefers the configured token, then SIGSTORE_ID_TOKEN, and registers it as a secret', async () => {
    expect(await resolveIdentityToken({ identityToken: 'configured-token' }, { SIGSTORE_ID_TOKEN: 'env-token' })).toBe('configured-token');
    expect(await resolveIdentityToken({}, { SIGSTORE_ID_TOKEN: 'env-token' })).toBe('env-token');
    expect(redact('token env-token leaked')).toBe('token *** leaked');
  });

  it('asks the GitHub Actions OIDC endpoint for a sigstore-audience token', async () => {
    let seen: { url?: string; auth?: string } = {};
    const server = createServer((req, res) => {
      seen = { url: req.url, auth: req.headers.authorization };
      res.end(JSON.stringify({ value: 'actions-oidc-token' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const token = await resolveIdentityToken(
        {},
        { ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${port}/token?api-version=2.0`, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token' },
      );
      expect(token).toBe('actions-oidc-token');
      expect(seen.url).toBe('/token?api-version=2.0&audience=sigstore');
      expect(seen.auth).toBe('Bearer request-token');
      expect(redact('actions-oidc-token request-token')).toBe('*** ***');
    } finally {
      server.close();
    }
  });

  it('fails with the permission to grant when no token source exists', async () => {
    await expect(resolveIdentityToken({ chart: 'nginx' }, {})).rejects.toMatchObject({
      code: 'SIGNING_FAILED',
      chart: 'nginx',
      hint: expect.stringMatching(/id-token: write/),
    });
  });
});
