import { describe, expect, it } from 'vitest';
import { parseChallenge, repositoryScope } from './auth.ts';
import { parseNextLink, RegistryClient } from './registry.ts';

/** A scripted Bearer-auth registry answering through the client's `fetch` seam. */
function bearerRegistry(options: { acceptToken: (token: string, call: number) => boolean }) {
  const calls: string[] = [];
  let issued = 0;
  let registryCalls = 0;
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const u = new URL(url);
    const auth = new Headers(init.headers).get('authorization') ?? '';
    calls.push(`${init.method} ${u.pathname}${u.search} ${auth.split(' ')[0] ?? ''}`.trim());
    if (u.host === 'auth.example') {
      issued++;
      return Response.json({ token: `token-${issued}`, expires_in: 300 });
    }
    registryCalls++;
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!token || !options.acceptToken(token, registryCalls)) {
      return new Response('{"errors":[{"code":"UNAUTHORIZED"}]}', {
        status: 401,
        headers: { 'www-authenticate': 'Bearer realm="https://auth.example/token",service="registry.example",scope="repository:org/web:pull"' },
      });
    }
    if (u.searchParams.get('last') === 'b') return Response.json({ name: 'org/web', tags: ['c'] });
    return Response.json({ name: 'org/web', tags: ['a', 'b'] }, { headers: { link: '</v2/org/web/tags/list?n=2&last=b>; rel="next"' } });
  };
  return { fetch, calls, issued: () => issued };
}

describe('RegistryClient over the Bearer challenge flow', () => {
  it('fetches a scoped token once, follows Link pagination, and refreshes an expired token once', async () => {
    // token-1 works for the first two registry calls with it, then "expires"
    const registry = bearerRegistry({ acceptToken: (token, call) => token === 'token-2' || (token === 'token-1' && call <= 3) });
    const client = new RegistryClient({
      registry: 'registry.example',
      credentials: { username: 'u', password: 'secret-pw-123' },
      fetch: registry.fetch,
      retry: { minTimeoutMs: 1, maxTimeoutMs: 1 },
    });

    expect(await client.listTags('org/web', 2)).toEqual(['a', 'b', 'c']);
    expect(registry.calls.slice(0, 2)).toEqual([
      'GET /v2/org/web/tags/list?n=2',
      'GET /token?service=registry.example&scope=repository%3Aorg%2Fweb%3Apull Basic',
    ]);
    expect(registry.issued()).toBe(1);

    expect(await client.listTags('org/web', 2)).toEqual(['a', 'b', 'c']);
    expect(registry.issued()).toBe(2);
  });

  it('fails with REGISTRY_AUTH_FAILED after one refresh when the new token is refused too', async () => {
    const registry = bearerRegistry({ acceptToken: () => false });
    const client = new RegistryClient({ registry: 'registry.example', credentials: { username: 'u', password: 'secret-pw-123' }, fetch: registry.fetch });
    await expect(client.listTags('org/web')).rejects.toMatchObject({ code: 'REGISTRY_AUTH_FAILED' });
    expect(registry.calls).toHaveLength(3);
  });
});

describe('protocol details', () => {
  it('parses Bearer and Basic challenges', () => {
    expect(parseChallenge('Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/c:pull"')).toEqual({
      scheme: 'bearer',
      realm: 'https://ghcr.io/token',
      service: 'ghcr.io',
      scope: 'repository:o/c:pull',
    });
    expect(parseChallenge('Basic realm="Registry Realm"')).toMatchObject({ scheme: 'basic', realm: 'Registry Realm' });
    expect(parseChallenge('Negotiate abc')).toBeUndefined();
    expect(parseChallenge(null)).toBeUndefined();
  });

  it('builds scopes with sorted, unique actions', () => {
    expect(repositoryScope('o/c', ['push', 'pull', 'push'])).toBe('repository:o/c:pull,push');
  });

  it('finds the next page in a Link header', () => {
    expect(parseNextLink('</v2/o/c/tags/list?n=2&last=b>; rel="next"')).toBe('/v2/o/c/tags/list?n=2&last=b');
    expect(parseNextLink('<https://r/a>; rel="prev", <https://r/b>; rel=next')).toBe('https://r/b');
    expect(parseNextLink(null)).toBeUndefined();
  });
});

describe('the client without a fetch of its own', () => {
  it('talks HTTP through undici, loaded with the first request', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      res.writeHead(req.url === '/v2/' ? 200 : 404, { 'docker-distribution-api-version': 'registry/2.0' });
      res.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const client = new RegistryClient({ registry: `127.0.0.1:${port}`, plainHttp: true });
      expect(await client.ping()).toEqual({ apiVersion: 'registry/2.0' });
      expect(await client.checkManifest('org/web', '1.0.0')).toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
