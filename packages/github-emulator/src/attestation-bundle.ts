/**
 * Reads the subjects of a Sigstore bundle's in-toto statement (DSSE payload), as GitHub does to index an
 * attestation by subject digest. https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md
 */
export function attestationSubjects(bundle: Record<string, unknown>): { digests: string[]; predicateType: string | null } {
  const envelope = bundle.dsseEnvelope as { payload?: unknown } | undefined;
  if (!envelope || typeof envelope.payload !== 'string') return { digests: [], predicateType: null };
  try {
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as {
      subject?: { digest?: Record<string, string> }[];
      predicateType?: string;
    };
    const digests = (statement.subject ?? []).flatMap((s) => (s.digest?.sha256 ? [`sha256:${s.digest.sha256}`] : []));
    return { digests, predicateType: statement.predicateType ?? null };
  } catch {
    return { digests: [], predicateType: null };
  }
}
