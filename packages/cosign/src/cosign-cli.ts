import { execa } from 'execa';
import { redact, ReleaseError } from '@chart-release/core';

/** Where a cosign invocation sends its requests; unset URLs mean the public Sigstore instance. */
export interface CosignServiceOptions {
  fulcioUrl?: string;
  rekorUrl?: string;
  tsaUrl?: string;
  trustedRootPath?: string;
  /** A cosign-format private key file (key mode through cosign). */
  keyPath?: string;
  /** False skips the transparency log (key mode only). */
  tlogUpload?: boolean;
  /** Talk plain HTTP to the registry. */
  allowHttpRegistry?: boolean;
}

/** `cosign sign` of `<repository>@<digest>` in the Sigstore bundle format, pushed as an OCI referrer. */
export interface CosignSignOptions extends CosignServiceOptions {
  /** `registry/repository@sha256:<hex>`: always a digest, never a tag. */
  reference: string;
  /** Also write the bundle here, to read back what was attached. */
  bundlePath: string;
}

export interface CosignSignBlobOptions extends CosignServiceOptions {
  file: string;
  bundlePath: string;
}

export interface CosignVerifyOptions {
  reference: string;
  certificateIdentity?: string;
  certificateIdentityRegexp?: string;
  issuer?: string;
  /** A PEM public key file (key-signed signatures). */
  publicKeyPath?: string;
  trustedRootPath?: string;
  allowHttpRegistry?: boolean;
}

export interface CosignVerifyBlobOptions extends Omit<CosignVerifyOptions, 'reference'> {
  file: string;
  bundlePath: string;
}

// cosign v3 signs with a signing config by default; explicit service URLs need it off (cosign refuses both)
function serviceArgs(options: CosignServiceOptions): string[] {
  const args: string[] = [];
  const custom = Boolean(options.fulcioUrl || options.rekorUrl || options.tsaUrl || options.tlogUpload === false);
  if (custom) args.push('--use-signing-config=false');
  if (options.fulcioUrl) args.push('--fulcio-url', options.fulcioUrl);
  if (options.rekorUrl) args.push('--rekor-url', options.rekorUrl);
  if (options.tsaUrl) args.push('--timestamp-server-url', options.tsaUrl);
  if (options.trustedRootPath) args.push('--trusted-root', options.trustedRootPath);
  if (options.keyPath) args.push('--key', options.keyPath);
  if (options.tlogUpload === false) args.push('--tlog-upload=false');
  return args;
}

/** argv for `cosign sign`; the identity token travels in SIGSTORE_ID_TOKEN, never on the command line. */
export function cosignSignArgs(options: CosignSignOptions): string[] {
  assertDigestReference(options.reference);
  return [
    'sign',
    '--yes',
    '--new-bundle-format',
    ...serviceArgs(options),
    ...(options.allowHttpRegistry ? ['--allow-http-registry'] : []),
    '--bundle',
    options.bundlePath,
    options.reference,
  ];
}

/** argv for `cosign sign-blob` writing a bundle v0.3 (cosign v3 prints no signature then: it is in the bundle). */
export function cosignSignBlobArgs(options: CosignSignBlobOptions): string[] {
  return ['sign-blob', '--yes', '--new-bundle-format', ...serviceArgs(options), '--bundle', options.bundlePath, options.file];
}

function policyArgs(options: Omit<CosignVerifyOptions, 'reference'>): string[] {
  if (options.publicKeyPath) return ['--key', options.publicKeyPath];
  const args: string[] = [];
  if (options.certificateIdentity) args.push('--certificate-identity', options.certificateIdentity);
  if (options.certificateIdentityRegexp) args.push('--certificate-identity-regexp', options.certificateIdentityRegexp);
  if (!options.certificateIdentity && !options.certificateIdentityRegexp) throw new Error('a certificate identity or identity pattern is required');
  if (!options.issuer) throw new Error('an OIDC issuer is required');
  args.push('--certificate-oidc-issuer', options.issuer);
  return args;
}

/** argv for `cosign verify` of a digest against an identity policy (or a key), bundle format, JSON output. */
export function cosignVerifyArgs(options: CosignVerifyOptions): string[] {
  assertDigestReference(options.reference);
  return [
    'verify',
    '--new-bundle-format',
    ...policyArgs(options),
    ...(options.trustedRootPath ? ['--trusted-root', options.trustedRootPath] : []),
    ...(options.allowHttpRegistry ? ['--allow-http-registry'] : []),
    '--output',
    'json',
    options.reference,
  ];
}

/** argv for `cosign verify-blob` of a file and its bundle. */
export function cosignVerifyBlobArgs(options: CosignVerifyBlobOptions): string[] {
  return [
    'verify-blob',
    '--new-bundle-format',
    ...policyArgs(options),
    ...(options.trustedRootPath ? ['--trusted-root', options.trustedRootPath] : []),
    '--bundle',
    options.bundlePath,
    options.file,
  ];
}

function assertDigestReference(reference: string): void {
  if (!/@sha256:[a-f0-9]{64}$/.test(reference)) throw new Error(`cosign must be given a digest reference, got ${reference}`);
}

/** A docker `config.json` that gives cosign `credentials` for `registry` (cosign reads DOCKER_CONFIG). */
export function dockerConfigFor(registry: string, credentials: { username: string; password: string }): string {
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  return `${JSON.stringify({ auths: { [registry]: { auth } } }, null, 2)}\n`;
}

/** The base64 signature `cosign sign-blob` prints without a bundle (cosign 2): the last non-empty stdout line. */
export function parseSignBlobOutput(stdout: string): string {
  const line =
    stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop() ?? '';
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(line)) throw new Error(`cosign sign-blob printed no base64 signature (stdout: ${line.slice(0, 80) || 'empty'})`);
  return line;
}

/** One verified signature as `cosign verify --output json` prints it (cosign's SimpleContainerImage). */
export interface CosignVerifiedSignature {
  /** `critical.image.docker-manifest-digest`. */
  digest: string;
  /** `critical.type`: the predicate type for bundle-format signatures. */
  type?: string;
  dockerReference?: string;
  /** `optional.Subject` / `optional.Issuer`, present when cosign had the certificate at hand. */
  identity?: string;
  issuer?: string;
}

/** Parses the JSON array `cosign verify --output json` prints on stdout (progress lines before it are skipped). */
export function parseVerifyOutput(stdout: string): CosignVerifiedSignature[] {
  const line = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('['))
    .pop();
  if (!line) throw new Error('cosign verify printed no JSON result');
  const entries = JSON.parse(line) as {
    critical?: { identity?: { 'docker-reference'?: string }; image?: { 'docker-manifest-digest'?: string }; type?: string };
    optional?: Record<string, unknown> | null;
  }[];
  return entries.map((e) => {
    const digest = e.critical?.image?.['docker-manifest-digest'];
    if (!digest) throw new Error('cosign verify printed a signature without docker-manifest-digest');
    const optional = e.optional ?? {};
    return {
      digest,
      ...(e.critical?.type ? { type: e.critical.type } : {}),
      ...(e.critical?.identity?.['docker-reference'] ? { dockerReference: e.critical.identity['docker-reference'] } : {}),
      ...(typeof optional.Subject === 'string' && optional.Subject ? { identity: optional.Subject } : {}),
      ...(typeof optional.Issuer === 'string' && optional.Issuer ? { issuer: optional.Issuer } : {}),
    };
  });
}

/** Which ReleaseError code a failed `cosign verify`/`verify-blob` means, from its error text. */
export function classifyVerifyFailure(stderr: string): 'SIGNATURE_NOT_FOUND' | 'UNTRUSTED_SIGNER' | 'SIGNATURE_INVALID' {
  const text = stderr.toLowerCase();
  if (/no signatures found|no matching signatures|no valid bundles exist|no matching attestations|image tag not found/.test(text)) return 'SIGNATURE_NOT_FOUND';
  if (/expected identit|none of the expected identities|certificate identity|oidc issuer|expected issuer|subject alternative name|san /.test(text))
    return 'UNTRUSTED_SIGNER';
  return 'SIGNATURE_INVALID';
}

/** The error line cosign reports (`Error: ...`), or the last stderr line. */
export function cosignErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const error = lines.filter((l) => l.startsWith('Error:')).pop() ?? lines.pop() ?? 'no output';
  return redact(error.replace(/^Error:\s*/, ''));
}

export interface CosignRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs cosign with `args`; secrets go through `env` only. */
export async function runCosign(binary: string, args: string[], env: Record<string, string> = {}): Promise<CosignRun> {
  try {
    const r = await execa(binary, args, { env: { COSIGN_YES: 'true', ...env }, extendEnv: true, reject: false, timeout: 300_000, stdin: 'ignore' });
    return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
  } catch (error) {
    throw new ReleaseError('SIGNING_FAILED', `cannot run ${binary}: ${(error as Error).message}`, {
      hint: 'install cosign v3, or set signing mode to sigstore',
    });
  }
}

/** The `cosign` binary on PATH, or undefined. */
export async function findCosign(binary = 'cosign'): Promise<string | undefined> {
  const r = await execa(binary, ['version'], { reject: false, timeout: 20_000 }).catch(() => undefined);
  return r && r.exitCode === 0 ? binary : undefined;
}
