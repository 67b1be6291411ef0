import { isReleaseError, ReleaseError } from '@chart-release/core';

/** Turns any signing failure into SIGNING_FAILED naming the chart and the reason (with causes); tokens are redacted by ReleaseError. */
export function signingFailed(error: unknown, what: string, chart?: string): ReleaseError {
  if (isReleaseError(error)) return error;
  const reasons: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    if (message && !reasons.some((r) => r.includes(message))) reasons.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return new ReleaseError('SIGNING_FAILED', `signing ${what} failed: ${reasons.join(': ') || 'unknown error'}`, {
    chart,
    cause: error,
    hint: 'check the Fulcio/Rekor URLs, the OIDC token (id-token: write in Actions) and registry push access; nothing unsigned is published',
  });
}
