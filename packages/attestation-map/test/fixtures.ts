import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { renderMapBlock } from '../src/index.ts';

const run = promisify(execFile);

export const BOT = { login: 'github-actions[bot]', type: 'Bot' as const };
export const SIGNER = 'https://github.com/acme/charts/.github/workflows/ci.yml@refs/heads/main';

/** A distinct sha256 digest per label. */
export function digestOf(label: string): string {
  return `sha256:${createHash('sha256').update(label).digest('hex')}`;
}

/** A distinct commit sha per label. */
export function shaOf(label: string): string {
  return createHash('sha1').update(label).digest('hex');
}

/** An attestation map entry for one chart, with a build and a test attestation on `digest`. */
export function chartEntry(version: string, digest: string) {
  return {
    version,
    attestations: [
      {
        stage: 'build',
        id: 1001,
        subjectDigest: digest,
        predicateType: 'https://slsa.dev/provenance/v1',
        workflowRun: { id: 501, attempt: 1, url: 'https://github.com/acme/charts/actions/runs/501', workflow: '.github/workflows/ci.yml' },
      },
      {
        stage: 'test',
        url: 'https://github.com/acme/charts/attestations/1002',
        subjectDigest: digest,
        predicateType: 'https://in-toto.io/attestation/test-result/v0.1',
      },
    ],
  };
}

export function mapMarkdown(charts: Record<string, unknown>, intro = '## Pipeline attestations'): string {
  return `${intro}\n\n${renderMapBlock({ version: 1, charts })}`;
}

/** A real self-signed certificate whose URI SAN is the workflow identity, as Fulcio issues for Actions (DER, base64). */
export async function signingCertificate(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'attestation-cert-'));
  const out = join(dir, 'cert.der');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    join(dir, 'key.pem'),
    '-subj',
    '/O=sigstore.dev',
    '-addext',
    `subjectAltName=URI:${SIGNER}`,
    '-days',
    '1',
    '-outform',
    'DER',
    '-out',
    out,
  ]);
  return (await readFile(out)).toString('base64');
}

/** A Sigstore bundle v0.3 with an in-toto SLSA provenance statement about `digest`. */
export function provenanceBundle(digest: string, certificate: string, runUrl: string) {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'web-app-1.2.3.tgz', digest: { sha256: digest.slice('sha256:'.length) } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: { buildDefinition: { buildType: 'https://actions.github.io/buildtypes/workflow/v1' }, runDetails: { metadata: { invocationId: runUrl } } },
  };
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: { certificate: { rawBytes: certificate }, tlogEntries: [{ logIndex: '424242', kindVersion: { kind: 'dsse', version: '0.0.1' } }] },
    dsseEnvelope: {
      payload: Buffer.from(JSON.stringify(statement)).toString('base64'),
      payloadType: 'application/vnd.in-toto+json',
      signatures: [{ sig: Buffer.from('not-a-real-signature').toString('base64'), keyid: '' }],
    },
  };
}
