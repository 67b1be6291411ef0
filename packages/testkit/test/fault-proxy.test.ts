import { createServer, type Server } from 'node:http';
import { createPublicKey, verify, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom, startFaultProxy, startTokenServer } from '../src/index.ts';

describe('the fault proxy', () => {
  let upstream: Server;
  let target: string;

  beforeAll(async () => {
    upstream = createServer((req, res) => res.end(`ok ${req.method} ${req.url}`));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const address = upstream.address();
    target = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(async () => {
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  });

  async function outcomes(seed: number, count: number, maxConsecutive?: number): Promise<string[]> {
    const proxy = await startFaultProxy({ target, faults: { rate: 0.3, kinds: ['503', '429', 'reset'], seed, maxConsecutive } });
    try {
      const seen: string[] = [];
      for (let i = 0; i < count; i++) {
        const res = await fetch(`${proxy.url}/v2/x/${i}`).catch(() => undefined);
        seen.push(res ? `${res.status}${res.headers.get('retry-after') === null ? '' : ` retry-after=${res.headers.get('retry-after')}`}` : 'reset');
        await res?.arrayBuffer();
      }
      expect(proxy.stats.requests).toBe(count);
      expect(proxy.stats.forwarded + proxy.stats.faults['503'] + proxy.stats.faults['429'] + proxy.stats.faults.reset).toBe(count);
      return seen;
    } finally {
      await proxy.stop();
    }
  }

  it('replays the same faults for the same seed, and forwards the rest unchanged', async () => {
    const first = await outcomes(7, 40);
    expect(await outcomes(7, 40)).toEqual(first);
    expect(await outcomes(8, 40)).not.toEqual(first);
    expect(first).toContain('200');
    expect(first).toContain('503');
    expect(first).toContain('429 retry-after=0');
    expect(first).toContain('reset');
  });

  it('never injects more faults in a row than allowed', async () => {
    const proxy = await startFaultProxy({ target, faults: { rate: 1, kinds: ['503'], maxConsecutive: 2 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await fetch(proxy.url)).status);
      expect(statuses).toEqual([503, 503, 200, 503, 503, 200]);
    } finally {
      await proxy.stop();
    }
  });

  it('only forwards to loopback addresses', async () => {
    await expect(startFaultProxy({ target: 'http://192.0.2.10:5000' })).rejects.toThrow(/only forwards to loopback/);
  });

  it('draws from a deterministic generator', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const draws = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(draws);
    expect(draws.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('the token server', () => {
  it('signs ES256 tokens with the certificate in x5c for the scope asked, and refuses bad credentials', async () => {
    const server = await startTokenServer({ users: { alice: 'alice-pw-1' } });
    try {
      const basic = `Basic ${Buffer.from('alice:alice-pw-1').toString('base64')}`;
      const res = await fetch(`${server.realm}?service=${server.service}&scope=repository:org/chart:pull,push`, { headers: { authorization: basic } });
      const { token } = (await res.json()) as { token: string };
      const [header, claims, signature] = token.split('.') as [string, string, string];
      const head = JSON.parse(Buffer.from(header, 'base64url').toString()) as { alg: string; x5c: string[] };
      const body = JSON.parse(Buffer.from(claims, 'base64url').toString()) as Record<string, unknown>;
      expect(head.alg).toBe('ES256');
      expect(new X509Certificate(Buffer.from(head.x5c[0]!, 'base64')).raw.equals(new X509Certificate(server.rootCertBundle).raw)).toBe(true);
      expect(body).toMatchObject({
        iss: server.issuer,
        aud: server.service,
        sub: 'alice',
        access: [{ type: 'repository', name: 'org/chart', actions: ['pull', 'push'] }],
      });
      const key = createPublicKey(server.rootCertBundle);
      expect(verify('sha256', Buffer.from(`${header}.${claims}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))).toBe(true);

      const refused = await fetch(`${server.realm}?service=${server.service}`, {
        headers: { authorization: `Basic ${Buffer.from('alice:wrong').toString('base64')}` },
      });
      expect(refused.status).toBe(401);
      expect(server.stats).toMatchObject({ issued: 1, refused: 1 });
    } finally {
      await server.stop();
    }
  });

  it('answers the OAuth2 form as well: a password grant with a refresh token, then the refresh grant', async () => {
    const server = await startTokenServer({ users: { alice: 'alice-pw-1' } });
    try {
      const post = (form: Record<string, string>) => fetch(server.realm, { method: 'POST', body: new URLSearchParams(form) });
      const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string; access: unknown[] };
      const granted = (await (
        await post({
          grant_type: 'password',
          username: 'alice',
          password: 'alice-pw-1',
          service: server.service,
          scope: 'repository:org/chart:pull,push',
          access_type: 'offline',
          client_id: 'helm',
        })
      ).json()) as {
        access_token: string;
        refresh_token: string;
      };
      expect(claimsOf(granted.access_token)).toMatchObject({ sub: 'alice', access: [{ name: 'org/chart', actions: ['pull', 'push'] }] });
      const refreshed = (await (
        await post({ grant_type: 'refresh_token', refresh_token: granted.refresh_token, service: server.service, scope: 'repository:org/other:pull' })
      ).json()) as { access_token: string };
      expect(claimsOf(refreshed.access_token)).toMatchObject({ sub: 'alice', access: [{ name: 'org/other', actions: ['pull'] }] });
      expect((await post({ grant_type: 'password', username: 'alice', password: 'nope' })).status).toBe(401);
      expect((await post({ grant_type: 'refresh_token', refresh_token: 'made-up' })).status).toBe(401);
    } finally {
      await server.stop();
    }
  });
});
