import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/** Claims of a token minted by the test OIDC issuer. */
export interface MintTokenOptions {
  /** Subject; Fulcio puts it in the certificate's SAN (use a workflow URL such as GitHub's `job_workflow_ref`). */
  sub: string;
  /** Issuer; the stack's own URL by default (another value simulates a foreign identity provider). */
  iss?: string;
  /** Audience; `sigstore` by default, as Fulcio expects. */
  aud?: string;
  /** Extra claims (`repository`, `ref`, `workflow_ref`, ... become Fulcio certificate extensions). */
  claims?: Record<string, unknown>;
  /** Lifetime in seconds; 600 by default. */
  ttlSeconds?: number;
}

/** The test OIDC identity provider: ES256 tokens, discovery document and JWKS served by the stack's HTTP server. */
export interface TestOidcIssuer {
  /** The issuer URL (`iss` of every token unless overridden). */
  issuer: string;
  /** A signed JWT for `options`. */
  mintToken(options: MintTokenOptions): string;
  /**
   * Registers a GitHub-Actions-style token endpoint for `options`: returns the `ACTIONS_ID_TOKEN_REQUEST_URL` and
   * `ACTIONS_ID_TOKEN_REQUEST_TOKEN` values that make a client obtain a token for these claims.
   */
  actionsTokenEndpoint(options: Omit<MintTokenOptions, 'aud'>): { requestUrl: string; requestToken: string };
}

/** What the HTTP server needs to answer OIDC requests. */
export interface OidcRoutes {
  issuer: TestOidcIssuer;
  /** Answers GET requests under the issuer URL; undefined when the path is not an OIDC route. */
  handle(method: string, url: URL, headers: Record<string, string | string[] | undefined>): { status: number; body: string } | undefined;
}

/** Creates the issuer for a server whose base URL is `baseUrl` (`http://127.0.0.1:PORT`). */
export function createOidcRoutes(baseUrl: string): OidcRoutes {
  const issuerUrl = `${baseUrl}/oidc`;
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = createHash('sha256').update(JSON.stringify(jwk)).digest('base64url').slice(0, 16);
  const actionsGrants = new Map<string, Omit<MintTokenOptions, 'aud'>>();

  const mintToken = (options: MintTokenOptions): string => signJwt(privateKey, kid, claimsFor(issuerUrl, options));

  const issuer: TestOidcIssuer = {
    issuer: issuerUrl,
    mintToken,
    actionsTokenEndpoint(options) {
      const requestToken = randomBytes(24).toString('hex');
      actionsGrants.set(requestToken, options);
      return { requestUrl: `${issuerUrl}/actions/token?api-version=2.0`, requestToken };
    },
  };

  return {
    issuer,
    handle(method, url, headers) {
      if (method !== 'GET' || !url.pathname.startsWith('/oidc/')) return undefined;
      const path = url.pathname.slice('/oidc'.length);
      if (path === '/.well-known/openid-configuration') {
        return json(200, {
          issuer: issuerUrl,
          jwks_uri: `${issuerUrl}/jwks`,
          response_types_supported: ['id_token'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['ES256'],
        });
      }
      if (path === '/jwks') return json(200, { keys: [{ ...jwk, kid, use: 'sig', alg: 'ES256' }] });
      if (path === '/actions/token') {
        // GitHub's endpoint: GET ACTIONS_ID_TOKEN_REQUEST_URL&audience=X with the request token as Bearer
        const auth = String(headers.authorization ?? '');
        const grant = actionsGrants.get(auth.replace(/^Bearer\s+/i, ''));
        if (!grant) return json(401, { message: 'bad request token' });
        return json(200, { value: mintToken({ ...grant, aud: url.searchParams.get('audience') ?? 'sigstore' }) });
      }
      return json(404, { message: 'not found' });
    },
  };
}

function claimsFor(issuerUrl: string, options: MintTokenOptions): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    ...options.claims,
    iss: options.iss ?? issuerUrl,
    sub: options.sub,
    aud: options.aud ?? 'sigstore',
    iat: now,
    nbf: now - 60,
    exp: now + (options.ttlSeconds ?? 600),
    jti: randomBytes(8).toString('hex'),
  };
}

function signJwt(key: KeyObject, kid: string, claims: Record<string, unknown>): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signingInput = `${encode({ alg: 'ES256', typ: 'JWT', kid })}.${encode(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${signature.toString('base64url')}`;
}

function json(status: number, body: unknown) {
  return { status, body: JSON.stringify(body) };
}
