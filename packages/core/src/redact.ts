const secrets = new Set<string>();

/** Registers a value (a token, a password) so that `redact` removes it wherever it appears. */
export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= 4) {
    secrets.add(value);
    // the same secret also travels base64-encoded inside Basic auth headers and docker config files
    secrets.add(Buffer.from(value).toString('base64'));
  }
}

/** Forgets every registered secret (tests). */
export function clearSecrets(): void {
  secrets.clear();
}

const PATTERNS: [RegExp, string][] = [
  // Authorization headers, in any casing, with any scheme
  [/\b(authorization\s*[:=]\s*)(bearer|basic|token)\s+[^\s"',;]+/gi, '$1$2 ***'],
  // GitHub tokens: classic (ghp_, gho_, ghu_, ghs_, ghr_) and fine-grained (github_pat_)
  [/\bgh[pousr]_[A-Za-z0-9]{20,255}\b/g, '***'],
  [/\bgithub_pat_[A-Za-z0-9_]{20,255}\b/g, '***'],
  // JWTs (OIDC identity tokens, registry bearer tokens)
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\b/g, '***'],
  // credentials in URLs: scheme://user:password@host
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^@\s/]+@/gi, '$1***@'],
  // password=..., token=..., secret=... in query strings or key=value logs
  [/\b((?:password|passwd|token|secret|access_token|refresh_token|client_secret)=)[^&\s"']+/gi, '$1***'],
  // "password": "..." style JSON fields
  [/("(?:password|token|access_token|refresh_token|identitytoken|auth|secret)"\s*:\s*")[^"]*(")/gi, '$1***$2'],
  // PEM private keys
  [/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?-----END \1PRIVATE KEY-----/g, '-----BEGIN $1PRIVATE KEY-----***-----END $1PRIVATE KEY-----'],
];

/** Removes every registered secret and every known secret shape from `text`. */
export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('***');
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
