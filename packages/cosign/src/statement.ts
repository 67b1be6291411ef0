// The in-toto statement `cosign sign --new-bundle-format` signs: the manifest digest as the only subject and the
// empty `https://sigstore.dev/cosign/sign/v1` predicate (cosign cmd/cosign/cli/sign/sign.go, signDigestBundle).
export const IN_TOTO_STATEMENT_TYPE = 'https://in-toto.io/Statement/v1';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const COSIGN_SIGN_PREDICATE_TYPE = 'https://sigstore.dev/cosign/sign/v1';

export interface InTotoStatement {
  _type: string;
  subject: { name?: string; digest: Record<string, string>; annotations?: Record<string, unknown> }[];
  predicateType: string;
  predicate: Record<string, unknown>;
}

/** The statement signed for a manifest digest `sha256:<hex>`. */
export function signStatement(digest: string): InTotoStatement {
  const [algorithm, hex] = splitDigest(digest);
  return { _type: IN_TOTO_STATEMENT_TYPE, subject: [{ digest: { [algorithm]: hex } }], predicateType: COSIGN_SIGN_PREDICATE_TYPE, predicate: {} };
}

/** `sha256:<hex>` as `[algorithm, hex]`; throws on anything else. */
export function splitDigest(digest: string): [string, string] {
  const match = /^(sha256|sha384|sha512):([a-f0-9]{64,128})$/.exec(digest);
  if (!match) throw new Error(`not a digest: ${digest}`);
  return [match[1]!, match[2]!];
}

/** The signed payload as an in-toto v1 statement, or why it is not one. */
export function parseStatement(payload: Buffer): { statement: InTotoStatement } | { problem: string } {
  let statement: InTotoStatement;
  try {
    statement = JSON.parse(payload.toString('utf8')) as InTotoStatement;
  } catch {
    return { problem: 'the signed payload is not an in-toto statement (not JSON)' };
  }
  if (statement?._type !== IN_TOTO_STATEMENT_TYPE) return { problem: `the signed payload is not an in-toto v1 statement (_type ${String(statement?._type)})` };
  return { statement };
}

/**
 * Why a signed statement does not cover `digest`, or undefined when it does (a subject with that digest and the
 * predicate type, by default cosign's sign predicate; `null` accepts any predicate type).
 */
export function statementMismatch(payload: Buffer, digest: string, predicateType: string | null = COSIGN_SIGN_PREDICATE_TYPE): string | undefined {
  const parsed = parseStatement(payload);
  if ('problem' in parsed) return parsed.problem;
  const { statement } = parsed;
  if (predicateType !== null && statement.predicateType !== predicateType)
    return `the signed statement has predicate type ${String(statement.predicateType)}, not ${predicateType}`;
  const [algorithm, hex] = splitDigest(digest);
  const subjects = Array.isArray(statement.subject) ? statement.subject : [];
  if (subjects.some((s) => s?.digest?.[algorithm] === hex)) return undefined;
  const signed = subjects
    .map((s) =>
      Object.entries(s?.digest ?? {})
        .map(([a, h]) => `${a}:${h}`)
        .join(','),
    )
    .join(' ');
  return `the signature covers ${signed || 'no digest'}, not ${digest} (the package was changed after signing, or the signature belongs to another artifact)`;
}
