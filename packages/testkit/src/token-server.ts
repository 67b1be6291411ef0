import { createPrivateKey, randomUUID, sign, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { freePort } from './net.ts';
import type { RegistryTokenAuth } from './registry.ts';

export interface TokenServerOptions {
  /** username -> password of the users who get tokens. */
  users: Record<string, string>;
  /** Actions a user may have on a repository (default: every action asked for). */
  allow?: (user: string | undefined, repository: string, actions: string[]) => string[];
  /** Hand anonymous callers pull-only tokens (default false: anonymous gets no access). */
  anonymousPull?: boolean;
  service?: string;
  issuer?: string;
  /** Token lifetime in seconds (default 300). */
  ttlSeconds?: number;
}

export interface RunningTokenServer extends RegistryTokenAuth {
  /** Tokens issued and requests refused so far. */
  stats: { issued: number; refused: number; scopes: string[] };
  stop(): Promise<void>;
}

/**
 * A token server for distribution's token auth (https://distribution.github.io/distribution/spec/auth/token/) on
 * 127.0.0.1: checks Basic credentials on GET, or the OAuth2 form on POST (password and refresh_token grants), and
 * answers `{token, access_token}` with an ES256 JWT (x5c header, IEEE P1363 signature) granting the scoped
 * repository actions. Pass its result as `startRegistry({ tokenAuth })`.
 */
export async function startTokenServer(options: TokenServerOptions): Promise<RunningTokenServer> {
  const service = options.service ?? 'chart-release-test-registry';
  const issuer = options.issuer ?? 'chart-release-test-token-issuer';
  const ttl = options.ttlSeconds ?? 300;
  const dir = await mkdtemp(join(tmpdir(), 'token-server-'));
  let keyPem: string;
  let certPem: string;
  try {
    await execa('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=chart-release test token issuer',
    ]);
    [keyPem, certPem] = await Promise.all([readFile(join(dir, 'key.pem'), 'utf8'), readFile(join(dir, 'cert.pem'), 'utf8')]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const key = createPrivateKey(keyPem);
  const x5c = new X509Certificate(certPem).raw.toString('base64');
  const stats = { issued: 0, refused: 0, scopes: [] as string[] };

  // refresh tokens handed out by the OAuth2 password grant: token -> user
  const refreshTokens = new Map<string, string>();
  const refuse = (res: ServerResponse, status = 401) => {
    stats.refused++;
    res
      .writeHead(status, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="chart-release test token server"' })
      .end('{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}');
  };
  const issue = (res: ServerResponse, user: string | undefined, scopes: string[], extra: Record<string, unknown> = {}) => {
    const access = scopes.flatMap((scope) => {
      stats.scopes.push(scope);
      const parts = scope.split(':');
      if (parts.length < 3 || parts[0] !== 'repository') return [];
      const actions = parts.at(-1)!.split(',').filter(Boolean);
      const name = parts.slice(1, -1).join(':');
      const granted =
        user === undefined ? (options.anonymousPull ? actions.filter((a) => a === 'pull') : []) : (options.allow?.(user, name, actions) ?? actions);
      return [{ type: 'repository', name, actions: granted }];
    });
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: issuer, sub: user ?? '', aud: service, exp: now + ttl, nbf: now - 10, iat: now, jti: randomUUID(), access };
    const token = signJwt({ alg: 'ES256', typ: 'JWT', x5c: [x5c] }, claims, key);
    stats.issued++;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token, access_token: token, expires_in: ttl, issued_at: new Date(now * 1000).toISOString(), ...extra }));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST') {
      // OAuth2 (https://distribution.github.io/distribution/spec/auth/oauth/), what helm 3 and docker use when they
      // hold credentials: a form with grant_type password (username, password) or refresh_token
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const scopes = form
          .getAll('scope')
          .flatMap((s) => s.split(' '))
          .filter(Boolean);
        const grant = form.get('grant_type');
        if (grant === 'password') {
          const user = form.get('username') ?? '';
          if (!Object.hasOwn(options.users, user) || options.users[user] !== form.get('password')) return refuse(res);
          const refreshToken = randomUUID();
          refreshTokens.set(refreshToken, user);
          return issue(res, user, scopes, form.get('access_type') === 'offline' ? { refresh_token: refreshToken } : {});
        }
        if (grant === 'refresh_token') {
          const user = refreshTokens.get(form.get('refresh_token') ?? '');
          return user === undefined ? refuse(res) : issue(res, user, scopes);
        }
        refuse(res, 400);
      });
      return;
    }
    const user = checkBasic(req.headers.authorization, options.users);
    if (user === null) return refuse(res);
    issue(res, user, url.searchParams.getAll('scope'));
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    rootCertBundle: certPem,
    stats,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// undefined: anonymous; null: credentials given but wrong
function checkBasic(header: string | undefined, users: Record<string, string>): string | undefined | null {
  if (!header) return undefined;
  const match = /^Basic\s+(.+)$/i.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = decoded.slice(0, colon);
  return colon > 0 && Object.hasOwn(users, user) && users[user] === decoded.slice(colon + 1) ? user : null;
}

function signJwt(header: object, claims: object, key: ReturnType<typeof createPrivateKey>): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
}
