import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ReleaseError } from '@chart-release/core';
import { createCosignSigner } from './cosign-signer.ts';
import { createSigstoreSigner } from './sigstore-signer.ts';
import type { Signer, SigningConfig, SigningMode } from './types.ts';

const MODES: readonly SigningMode[] = ['auto', 'cosign', 'sigstore', 'key', 'none'];

/** The path of `name` on PATH (an executable file), or undefined. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  if (name.includes('/')) return isExecutable(name) ? name : undefined;
  for (const dir of path.split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Which backend `config` means: `auto` is cosign when its binary is on PATH, else sigstore-js. */
export function resolveSigningMode(config: Pick<SigningConfig, 'mode' | 'cosignBinary'>, path = process.env.PATH ?? ''): Exclude<SigningMode, 'auto'> {
  if (!MODES.includes(config.mode)) {
    throw new ReleaseError('SIGNING_FAILED', `unknown signing mode '${String(config.mode)}'.`, { hint: `use one of ${MODES.join(', ')}` });
  }
  if (config.mode !== 'auto') return config.mode;
  return findOnPath(config.cosignBinary ?? 'cosign', path) ? 'cosign' : 'sigstore';
}

/**
 * A signer for `config`. `none` gives a signer that refuses to sign (SIGNING_DISABLED), so nothing is ever
 * published unsigned by accident: callers check `mode === 'none'` and skip signing on purpose.
 */
export function createSigner(config: SigningConfig): Signer {
  const mode = resolveSigningMode(config);
  switch (mode) {
    case 'cosign':
      if (!findOnPath(config.cosignBinary ?? 'cosign')) {
        throw new ReleaseError('SIGNING_FAILED', `signing mode 'cosign' needs the ${config.cosignBinary ?? 'cosign'} binary, which is not on PATH.`, {
          chart: config.chart,
          hint: "install cosign v3 (sigstore/cosign-installer in Actions) or use signing mode 'sigstore'",
        });
      }
      return createCosignSigner(config);
    case 'sigstore':
    case 'key':
      return createSigstoreSigner(config, mode);
    case 'none': {
      const refuse = async (): Promise<never> => {
        throw new ReleaseError('SIGNING_DISABLED', "signing is set to 'none'; nothing was signed.", { chart: config.chart });
      };
      return { mode, signByDigest: refuse, signBlob: refuse, attestByDigest: refuse };
    }
  }
}
