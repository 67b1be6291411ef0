import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { registerSecret, ReleaseError } from '@chart-release/core';

/** A loaded ECDSA P-256 signing key. */
export interface SigningKey {
  privateKey: KeyObject;
  publicKeyPem: string;
  /** base64(sha256(DER public key)), the key hint sigstore-go and cosign put in bundles. */
  hint: string;
}

export interface SigningKeySource {
  keyPath?: string;
  keyPem?: string;
  keyPassword?: string;
  chart?: string;
}

/** Loads the key from `keyPem`, `keyPath` or `CHART_RELEASE_SIGNING_KEY` (PEM text), decrypting it when a password is set. */
export function loadSigningKey(source: SigningKeySource, env: NodeJS.ProcessEnv = process.env): SigningKey {
  const password = source.keyPassword ?? env.CHART_RELEASE_SIGNING_KEY_PASSWORD;
  registerSecret(password);
  let pem = source.keyPem;
  let origin = 'the configured key';
  if (!pem && source.keyPath) {
    origin = source.keyPath;
    try {
      pem = readFileSync(source.keyPath, 'utf8');
    } catch (error) {
      throw new ReleaseError('SIGNING_FAILED', `cannot read the signing key ${source.keyPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
        chart: source.chart,
        file: source.keyPath,
      });
    }
  }
  if (!pem && env.CHART_RELEASE_SIGNING_KEY) {
    pem = env.CHART_RELEASE_SIGNING_KEY;
    origin = 'CHART_RELEASE_SIGNING_KEY';
  }
  if (!pem) {
    throw new ReleaseError('SIGNING_FAILED', 'key signing needs a private key, and none was given.', {
      chart: source.chart,
      hint: 'set CHART_RELEASE_SIGNING_KEY to a PEM ECDSA P-256 private key, or pass --key <file>',
    });
  }
  registerSecret(pem.trim());
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: 'pem', ...(password ? { passphrase: password } : {}) });
  } catch (error) {
    const encrypted = pem.includes('ENCRYPTED');
    throw new ReleaseError('SIGNING_FAILED', `cannot load the signing key from ${origin}: ${encrypted && !password ? 'it is encrypted and no password was given' : (error as Error).message}`, {
      chart: source.chart,
      file: source.keyPath,
      hint: encrypted
        ? 'set CHART_RELEASE_SIGNING_KEY_PASSWORD to the key password (cosign-format "SIGSTORE PRIVATE KEY" files are not read; export the key as PKCS#8 PEM)'
        : 'use a PEM ECDSA P-256 private key (PKCS#8 "PRIVATE KEY" or SEC1 "EC PRIVATE KEY")',
    });
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ReleaseError('SIGNING_FAILED', `the signing key from ${origin} is ${privateKey.asymmetricKeyType} ${privateKey.asymmetricKeyDetails?.namedCurve ?? ''}, not ECDSA P-256.`.replace(' ,', ','), {
      chart: source.chart,
      hint: 'create one with: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out signing.key',
    });
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), hint: publicKeyHint(publicKey) };
}

/** base64(sha256(DER SubjectPublicKeyInfo)). */
export function publicKeyHint(key: KeyObject): string {
  return createHash('sha256').update(key.export({ format: 'der', type: 'spki' })).digest('base64');
}

/** Signs `data` with ECDSA P-256 / SHA-256 (DER signature, as Sigstore bundles carry it). */
export function signWithKey(key: SigningKey, data: Buffer): Buffer {
  return sign('sha256', data, key.privateKey);
}
