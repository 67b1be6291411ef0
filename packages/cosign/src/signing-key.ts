import { createHash, createPrivateKey, createPublicKey, scryptSync, sign, type KeyObject } from 'node:crypto';
import { xsalsa20poly1305 } from '@noble/ciphers/salsa.js';
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

/**
 * Loads the key from `keyPem`, `keyPath` or `CHART_RELEASE_SIGNING_KEY` (PEM text): PKCS#8 or SEC1, decrypted with
 * the password when it is encrypted, or a key `cosign generate-key-pair` wrote ("ENCRYPTED SIGSTORE PRIVATE KEY",
 * password from `CHART_RELEASE_SIGNING_KEY_PASSWORD` or `COSIGN_PASSWORD`, empty when neither is set, as cosign).
 */
export function loadSigningKey(source: SigningKeySource, env: NodeJS.ProcessEnv = process.env): SigningKey {
  const password = source.keyPassword ?? env.CHART_RELEASE_SIGNING_KEY_PASSWORD ?? env.COSIGN_PASSWORD;
  registerSecret(password);
  let pem = source.keyPem;
  let origin = 'the configured key';
  if (!pem && source.keyPath) {
    origin = source.keyPath;
    try {
      pem = readFileSync(source.keyPath, 'utf8');
    } catch (error) {
      throw new ReleaseError(
        'SIGNING_FAILED',
        `cannot read the signing key ${source.keyPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        {
          chart: source.chart,
          file: source.keyPath,
        },
      );
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
    const cosign = COSIGN_KEY.exec(pem);
    privateKey = cosign
      ? createPrivateKey({ key: decryptCosignKey(cosign[2]!, password ?? '', origin, source), format: 'der', type: 'pkcs8' })
      : createPrivateKey({ key: pem, format: 'pem', ...(password ? { passphrase: password } : {}) });
  } catch (error) {
    if (error instanceof ReleaseError) throw error;
    const encrypted = pem.includes('ENCRYPTED');
    throw new ReleaseError(
      'SIGNING_FAILED',
      `cannot load the signing key from ${origin}: ${encrypted && !password ? 'it is encrypted and no password was given' : (error as Error).message}`,
      {
        chart: source.chart,
        file: source.keyPath,
        hint: encrypted
          ? 'set CHART_RELEASE_SIGNING_KEY_PASSWORD to the key password'
          : 'use a PEM ECDSA P-256 private key (PKCS#8 "PRIVATE KEY", SEC1 "EC PRIVATE KEY", or a cosign.key)',
      },
    );
  }
  if (privateKey.asymmetricKeyType !== 'ec' || privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ReleaseError(
      'SIGNING_FAILED',
      `the signing key from ${origin} is ${privateKey.asymmetricKeyType} ${privateKey.asymmetricKeyDetails?.namedCurve ?? ''}, not ECDSA P-256.`.replace(
        ' ,',
        ',',
      ),
      {
        chart: source.chart,
        hint: 'create one with: openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out signing.key',
      },
    );
  }
  const publicKey = createPublicKey(privateKey);
  return { privateKey, publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(), hint: publicKeyHint(publicKey) };
}

// what cosign generate-key-pair writes (older versions: COSIGN), https://github.com/sigstore/cosign/blob/main/specs/KEY_SPEC.md
const COSIGN_KEY = /-----BEGIN ENCRYPTED (SIGSTORE|COSIGN) PRIVATE KEY-----([\s\S]*?)-----END ENCRYPTED \1 PRIVATE KEY-----/;

/**
 * The PKCS#8 DER inside a cosign key: the PEM body is JSON naming a scrypt key derivation and a NaCl secretbox
 * (XSalsa20-Poly1305) around the key. A wrong password fails the box's authentication.
 */
function decryptCosignKey(body: string, password: string, origin: string, source: SigningKeySource): Buffer {
  const fail = (why: string, hint: string) =>
    new ReleaseError('SIGNING_FAILED', `cannot load the cosign key from ${origin}: ${why}`, { chart: source.chart, file: source.keyPath, hint });
  let sealed: {
    kdf?: { name?: string; params?: { N?: number; r?: number; p?: number }; salt?: string };
    cipher?: { name?: string; nonce?: string };
    ciphertext?: string;
  };
  try {
    sealed = JSON.parse(Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')) as typeof sealed;
  } catch {
    throw fail('its body is not the JSON cosign writes.', 'use the cosign.key file as cosign generate-key-pair wrote it');
  }
  const { kdf, cipher, ciphertext } = sealed;
  const params = kdf?.params ?? {};
  if (kdf?.name !== 'scrypt' || cipher?.name !== 'nacl/secretbox' || !kdf.salt || !cipher.nonce || !ciphertext || !params.N || !params.r || !params.p) {
    throw fail(
      `it uses ${kdf?.name ?? 'no'} key derivation and ${cipher?.name ?? 'no'} cipher (scrypt and nacl/secretbox are read).`,
      'export the key with cosign, or convert it to PKCS#8 PEM',
    );
  }
  if (params.N > 2 ** 20 || params.r > 32 || params.p > 16)
    throw fail('its scrypt parameters are out of range.', 'regenerate the key with cosign generate-key-pair');
  const key = scryptSync(password, Buffer.from(kdf.salt, 'base64'), 32, {
    N: params.N,
    r: params.r,
    p: params.p,
    maxmem: 256 * params.N * params.r + 1024 * 1024,
  });
  try {
    return Buffer.from(xsalsa20poly1305(key, Buffer.from(cipher.nonce, 'base64')).decrypt(Buffer.from(ciphertext, 'base64')));
  } catch {
    throw fail(
      password ? 'the password is wrong.' : 'it is encrypted and no password was given.',
      'set CHART_RELEASE_SIGNING_KEY_PASSWORD (or COSIGN_PASSWORD) to the password given to cosign generate-key-pair',
    );
  }
}

/** base64(sha256(DER SubjectPublicKeyInfo)). */
export function publicKeyHint(key: KeyObject): string {
  return createHash('sha256')
    .update(key.export({ format: 'der', type: 'spki' }))
    .digest('base64');
}

/** Signs `data` with ECDSA P-256 / SHA-256 (DER signature, as Sigstore bundles carry it). */
export function signWithKey(key: SigningKey, data: Buffer): Buffer {
  return sign('sha256', data, key.privateKey);
}
