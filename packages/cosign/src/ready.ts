import { isReleaseError, ReleaseError } from '@chart-release/core';
import { PUBLIC_FULCIO_URL, PUBLIC_REKOR_URL } from './bundle-builder.ts';
import { resolveIdentityToken } from './identity-token.ts';
import { workflowClaimsOf } from './provenance.ts';
import { resolveSigningMode } from './signer.ts';
import { loadSigningKey } from './signing-key.ts';
import type { SigningConfig } from './types.ts';

export interface ReadinessOptions {
  /** Build provenance will be made: the token must carry the GitHub Actions workflow claims. */
  provenance?: boolean;
  /** Seconds the token must stay valid for (default 60). */
  minTokenLifetimeSeconds?: number;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/**
 * Read-only checks that signing can succeed, for preflight: the backend resolves; keyless: an OIDC token exists, is
 * a JWT for audience `sigstore` that has not expired, and its issuer is one Fulcio accepts; Fulcio
 * (`GET /api/v2/configuration`) and Rekor (`GET /api/v1/log`) answer; key mode: the key opens. Every problem is
 * returned (SIGNING_UNAVAILABLE), none thrown; nothing is signed or written.
 */
export async function checkReady(config: SigningConfig, options: ReadinessOptions = {}): Promise<ReleaseError[]> {
  const env = options.env ?? process.env;
  const problems: ReleaseError[] = [];
  const problem = (message: string, hint: string) =>
    problems.push(
      new ReleaseError('SIGNING_UNAVAILABLE', message, {
        chart: config.chart,
        hint,
      }),
    );
  let mode: ReturnType<typeof resolveSigningMode>;
  try {
    mode = resolveSigningMode(config);
  } catch (error) {
    return [asUnavailable(error, config.chart)];
  }
  if (mode === 'none') return problems;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const rekorUrl = config.rekorUrl ?? PUBLIC_REKOR_URL;
  const logged = !(mode === 'key' && config.tlogUpload === false);

  let fulcioIssuers: Promise<string[] | undefined> | undefined;
  if (mode === 'key') {
    try {
      loadSigningKey(config, env);
    } catch (error) {
      problems.push(asUnavailable(error, config.chart));
    }
  } else {
    const fulcioUrl = config.fulcioUrl ?? PUBLIC_FULCIO_URL;
    fulcioIssuers = getJson(`${fulcioUrl.replace(/\/+$/, '')}/api/v2/configuration`, timeoutMs).then(
      (body) => ((body as { issuers?: { issuerUrl?: string }[] }).issuers ?? []).flatMap((i) => (i.issuerUrl ? [i.issuerUrl] : [])),
      (error: Error) => {
        problem(
          `Fulcio at ${fulcioUrl} is not reachable: ${error.message}`,
          'check signing.fulcioUrl and the network; nothing can be signed keyless without Fulcio',
        );
        return undefined;
      },
    );
    try {
      const token = await resolveIdentityToken(config, env);
      const claims = jwtClaims(token);
      const now = Date.now() / 1000;
      const minimum = options.minTokenLifetimeSeconds ?? 60;
      if (!claims) problem('the OIDC identity token is not a JWT.', 'set SIGSTORE_ID_TOKEN to an OIDC ID token, or use the Actions OIDC endpoint');
      else {
        const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
        if (!audiences.includes('sigstore'))
          problem(`the OIDC identity token is for audience ${audiences.join(', ') || '(none)'}, not sigstore.`, 'request the token with audience sigstore');
        if (typeof claims.exp === 'number' && claims.exp < now + minimum)
          problem('the OIDC identity token has expired (or expires within a minute).', 'mint a fresh token; Actions tokens are requested at signing time');
        const issuers = await fulcioIssuers;
        if (issuers?.length && typeof claims.iss === 'string' && !issuers.includes(claims.iss)) {
          problem(`Fulcio at ${fulcioUrl} does not accept tokens from ${claims.iss}.`, `Fulcio accepts ${issuers.join(', ')}`);
        }
        if (options.provenance) workflowClaimsOf(token, config.chart);
      }
    } catch (error) {
      problems.push(asUnavailable(error, config.chart));
    }
  }
  if (logged) {
    await getJson(`${rekorUrl.replace(/\/+$/, '')}/api/v1/log`, timeoutMs).then(
      (body) => {
        if (typeof (body as { treeSize?: unknown }).treeSize !== 'number')
          problem(`${rekorUrl} answered /api/v1/log without a tree size: it is not a Rekor log.`, 'check signing.rekorUrl');
      },
      (error: Error) =>
        problem(
          `Rekor at ${rekorUrl} is not reachable: ${error.message}`,
          'check signing.rekorUrl and the network; signatures must be recorded in the transparency log',
        ),
    );
  }
  await fulcioIssuers;
  return problems;
}

async function getJson(url: string, timeoutMs: number): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(cause ?? (error as Error).message);
  }
  if (!response.ok) throw new Error(`GET ${new URL(url).pathname} answered ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw new Error(`GET ${new URL(url).pathname} did not answer JSON`);
  }
}

function jwtClaims(token: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function asUnavailable(error: unknown, chart?: string): ReleaseError {
  if (isReleaseError(error))
    return new ReleaseError('SIGNING_UNAVAILABLE', error.message, {
      chart: chart ?? error.chart,
      file: error.file,
      hint: error.hint,
      cause: error,
    });
  return new ReleaseError('SIGNING_UNAVAILABLE', (error as Error).message, {
    chart,
    cause: error,
  });
}
