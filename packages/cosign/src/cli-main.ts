import { readFile } from 'node:fs/promises';
import { cliReport, createLogger, keepingWarnings, parseCli, registerSecret, ReleaseError, runCli, writeJson, writeStdout } from '@chart-release/core';
import { parseOciReference, RegistryClient, resolveCredentials, type RegistryCredentials } from '@chart-release/oci';
import { createSigner, resolveSigningMode } from './signer.ts';
import { verifyBlob, verifyByDigest } from './verify.ts';
import { verifyAttestation, verifyBlobAttestation } from './verify-attestation.ts';
import type { SignatureLayout, SigningConfig, SigningMode, VerificationPolicy } from './types.ts';
import { HELP } from './cli-help.ts';

const OPTIONS = {
  mode: { type: 'string' },
  'fulcio-url': { type: 'string' },
  'rekor-url': { type: 'string' },
  'tsa-url': { type: 'string' },
  'trusted-root': { type: 'string' },
  key: { type: 'string' },
  'no-tlog': { type: 'boolean', default: false },
  layout: { type: 'string' },
  'insecure-ignore-tlog': { type: 'boolean', default: false },
  type: { type: 'string' },
  'source-repository': { type: 'string' },
  cosign: { type: 'string' },
  'certificate-identity': { type: 'string' },
  'certificate-identity-regexp': { type: 'string' },
  'certificate-oidc-issuer': { type: 'string' },
  'public-key': { type: 'string' },
  bundle: { type: 'string' },
  'plain-http': { type: 'boolean', default: false },
  username: { type: 'string' },
  'password-stdin': { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
} as const;

type Values = ReturnType<typeof parseCli<typeof OPTIONS>>['values'];

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseCli(argv, OPTIONS, 'chart-sign');
  const [command, ...targets] = positionals;
  if (values.help || !command) {
    writeStdout(HELP);
    return values.help ? 0 : 2;
  }
  if (targets.length === 0) throw new ReleaseError('USAGE', `'${command}' needs a target.`, { hint: "run 'chart-sign --help'" });
  const logger = keepingWarnings(createLogger());
  const results: Record<string, unknown>[] = [];
  switch (command) {
    case 'sign': {
      const config = signingConfig(values);
      for (const target of targets) {
        const { client, repository, digest, credentials } = await registryTarget(values, target);
        const mode = resolveSigningMode(config);
        if (values['dry-run']) {
          results.push({ ref: `${client.registry}/${repository}@${digest}`, mode, status: 'would-sign' });
          continue;
        }
        logger.info(`signing ${client.registry}/${repository}@${digest} (${mode})`);
        // cosign gets the same registry credentials through a temporary docker config
        const registryCredentials = credentials && 'username' in credentials ? credentials : undefined;
        const signed = await createSigner({ ...config, registryCredentials }).signByDigest({ registryClient: client, repository, digest });
        results.push({
          ref: `${client.registry}/${repository}@${digest}`,
          mode,
          status: 'signed',
          referrer: signed.referrerRef ?? null,
          legacy: signed.legacyRef ?? null,
          identity: signed.certificateIdentity ?? null,
          issuer: signed.issuer ?? null,
          rekorLogIndex: signed.rekorLogIndex ?? null,
        });
      }
      break;
    }
    case 'sign-blob': {
      const config = signingConfig(values);
      for (const file of targets) {
        const mode = resolveSigningMode(config);
        if (values['dry-run']) {
          results.push({ file, mode, status: 'would-sign', signature: `${file}.sig`, bundle: `${file}.sigstore.json` });
          continue;
        }
        logger.info(`signing ${file} (${mode})`);
        const signed = await createSigner(config).signBlob(file);
        results.push({
          file,
          mode,
          status: 'signed',
          signature: signed.signaturePath,
          bundle: signed.bundlePath,
          identity: signed.certificateIdentity ?? null,
          rekorLogIndex: signed.rekorLogIndex ?? null,
        });
      }
      break;
    }
    case 'verify': {
      const policy = await verificationPolicy(values);
      for (const target of targets) {
        const { client, repository, digest } = await registryTarget(values, target);
        const verified = await verifyByDigest({
          registryClient: client,
          repository,
          digest,
          policy,
          trustedRootPath: values['trusted-root'],
          insecureIgnoreTlog: values['insecure-ignore-tlog'],
        });
        results.push({ ref: `${client.registry}/${repository}@${digest}`, status: 'verified', ...verified });
      }
      break;
    }
    case 'verify-blob': {
      const policy = await verificationPolicy(values);
      if (values.bundle && targets.length > 1) throw new ReleaseError('USAGE', '--bundle names the bundle of one file; verify one file at a time with it.');
      for (const file of targets) {
        const verified = await verifyBlob({
          path: file,
          bundlePath: values.bundle,
          policy,
          trustedRootPath: values['trusted-root'],
          insecureIgnoreTlog: values['insecure-ignore-tlog'],
        });
        results.push({ file, status: 'verified', ...verified });
      }
      break;
    }
    case 'verify-attestation': {
      const policy = await verificationPolicy(values);
      const common = {
        policy,
        predicateType: values.type,
        sourceRepository: values['source-repository'],
        trustedRootPath: values['trusted-root'],
        insecureIgnoreTlog: values['insecure-ignore-tlog'],
      };
      for (const target of targets) {
        if (values.bundle) {
          const verified = await verifyBlobAttestation({ ...common, path: target, bundlePath: values.bundle });
          results.push({ file: target, status: 'verified', ...verified });
          continue;
        }
        const { client, repository, digest } = await registryTarget(values, target);
        const verified = await verifyAttestation({ ...common, registryClient: client, repository, digest });
        results.push({ ref: `${client.registry}/${repository}@${digest}`, status: 'verified', ...verified });
      }
      break;
    }
    default:
      throw new ReleaseError('USAGE', `unknown command '${command}'.`, { hint: 'use sign, sign-blob, verify, verify-blob or verify-attestation' });
  }
  print(values.json, results, values['dry-run'], logger.warnings);
  return 0;
}

function signingConfig(values: Values): SigningConfig {
  const mode = (values.mode ?? process.env.CHART_RELEASE_SIGNING ?? 'auto') as SigningMode;
  if (mode === 'none') throw new ReleaseError('USAGE', "mode 'none' signs nothing; there is nothing for chart-sign to do.");
  return {
    mode,
    fulcioUrl: values['fulcio-url'],
    rekorUrl: values['rekor-url'],
    tsaUrl: values['tsa-url'],
    trustedRootPath: values['trusted-root'],
    keyPath: values.key,
    tlogUpload: values['no-tlog'] ? false : undefined,
    layout: signatureLayout(values.layout),
    cosignBinary: values.cosign,
  };
}

function signatureLayout(layout: string | undefined): SignatureLayout | undefined {
  if (layout === undefined || layout === 'bundle' || layout === 'legacy' || layout === 'both') return layout;
  throw new ReleaseError('USAGE', `--layout ${layout} is not one of bundle, legacy, both.`);
}

async function verificationPolicy(values: Values): Promise<VerificationPolicy> {
  if (values['public-key']) {
    const publicKeyPem = await readFile(values['public-key'], 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new ReleaseError('USAGE', `cannot read --public-key ${values['public-key']}: ${error.code ?? error.message}`, { file: values['public-key'] });
    });
    return { publicKeyPem };
  }
  const issuer = values['certificate-oidc-issuer'];
  if (!issuer || (!values['certificate-identity'] && !values['certificate-identity-regexp'])) {
    throw new ReleaseError(
      'USAGE',
      'verification needs --certificate-identity (or --certificate-identity-regexp) and --certificate-oidc-issuer, or --public-key.',
      { hint: "run 'chart-sign --help' for an example identity" },
    );
  }
  if (values['insecure-ignore-tlog'])
    throw new ReleaseError('USAGE', '--insecure-ignore-tlog applies to key signatures (--public-key) only; keyless signatures are always in the log.');
  return values['certificate-identity']
    ? { certificateIdentity: values['certificate-identity'], issuer }
    : { certificateIdentityRegexp: values['certificate-identity-regexp']!, issuer };
}

async function registryTarget(
  values: Values,
  target: string,
): Promise<{ client: RegistryClient; repository: string; digest: string; credentials?: RegistryCredentials }> {
  const ref = parseOciReference(target);
  if (!ref.digest) {
    throw new ReleaseError('USAGE', `${target} names no digest; charts are signed and verified by digest, never by tag.`, {
      hint: `append @sha256:<hex> (the digest 'chart-push' printed), e.g. ${ref.registry}/${ref.repository}@sha256:...`,
    });
  }
  const password = values['password-stdin'] ? await stdinPassword() : undefined;
  const { credentials } = resolveCredentials({
    registry: ref.registry,
    flags: values.username || password ? { username: values.username, password } : undefined,
    env: process.env,
  });
  return {
    client: new RegistryClient({ registry: ref.registry, plainHttp: values['plain-http'], credentials }),
    repository: ref.repository,
    digest: ref.digest,
    credentials,
  };
}

let stdinRead: Promise<string> | undefined;

// stdin can be read once; every target shares the password
function stdinPassword(): Promise<string> {
  stdinRead ??= (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    const password = Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
    registerSecret(password);
    return password;
  })();
  return stdinRead;
}

function print(json: boolean, rows: Record<string, unknown>[], dryRun: boolean, warnings: string[]): void {
  if (json) {
    writeJson(cliReport({ charts: rows, warnings, dryRun }));
    return;
  }
  for (const row of rows) {
    const subject = String(row.ref ?? row.file);
    const who = row.certificateIdentity ?? row.identity ?? row.keyHint;
    writeStdout(`${String(row.status).padEnd(11)} ${subject}${who ? `  by ${String(who)}` : ''}${row.referrer ? `  -> ${String(row.referrer)}` : ''}\n`);
  }
}

await runCli('chart-sign', main);
