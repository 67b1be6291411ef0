import { registerSecret, ReleaseError } from '@chart-release/core';

export interface IdentityTokenSources {
  identityToken?: string;
  chart?: string;
}

/**
 * The OIDC identity token for keyless signing: the configured one, else `SIGSTORE_ID_TOKEN`, else one requested from
 * the GitHub Actions OIDC endpoint with audience `sigstore`. Every token is registered as a secret at once.
 */
export async function resolveIdentityToken(sources: IdentityTokenSources, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const direct = sources.identityToken ?? env.SIGSTORE_ID_TOKEN;
  if (direct) {
    registerSecret(direct);
    return direct;
  }
  const requestUrl = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const requestToken = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!requestUrl || !requestToken) {
    throw new ReleaseError('SIGNING_FAILED', 'keyless signing needs an OIDC identity token, and none was found.', {
      chart: sources.chart,
      hint: "in GitHub Actions grant the job 'permissions: id-token: write'; elsewhere set SIGSTORE_ID_TOKEN, use a signing key, or set 'signing: none' explicitly",
    });
  }
  registerSecret(requestToken);
  // https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect
  const url = new URL(requestUrl);
  url.searchParams.set('audience', 'sigstore');
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json', authorization: `Bearer ${requestToken}` }, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new ReleaseError('SIGNING_FAILED', `could not reach the GitHub Actions OIDC endpoint ${url.origin}: ${(error as Error).message}`, {
      chart: sources.chart,
    });
  }
  const body = (await response.json().catch(() => ({}))) as { value?: string };
  if (!response.ok || !body.value) {
    throw new ReleaseError('SIGNING_FAILED', `the GitHub Actions OIDC endpoint answered ${response.status} without a token.`, {
      chart: sources.chart,
      hint: "grant the job 'permissions: id-token: write'",
    });
  }
  registerSecret(body.value);
  return body.value;
}
