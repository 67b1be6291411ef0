import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSigner, findOnPath, resolveSigningMode } from './signer.ts';

function dirWithCosign(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cosign-path-'));
  writeFileSync(join(dir, 'cosign'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(dir, 'cosign'), 0o755);
  return dir;
}

describe('signing mode', () => {
  it('auto picks cosign when its binary is on PATH', () => {
    expect(resolveSigningMode({ mode: 'auto' }, dirWithCosign())).toBe('cosign');
  });

  it('auto falls back to sigstore-js without cosign', () => {
    expect(resolveSigningMode({ mode: 'auto' }, mkdtempSync(join(tmpdir(), 'empty-path-')))).toBe('sigstore');
  });

  it('keeps an explicit mode', () => {
    expect(resolveSigningMode({ mode: 'key' }, dirWithCosign())).toBe('key');
  });

  it('rejects an unknown mode with the list of valid ones', () => {
    expect(() => resolveSigningMode({ mode: 'gpg' as never })).toThrow(/unknown signing mode 'gpg'/);
  });

  it('finds only executable files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'noexec-'));
    writeFileSync(join(dir, 'cosign'), '');
    expect(findOnPath('cosign', dir)).toBeUndefined();
    expect(findOnPath('cosign', dirWithCosign())).toMatch(/cosign$/);
  });

  it("fails explicit 'cosign' mode when cosign is missing, naming the fix", () => {
    expect(() => createSigner({ mode: 'cosign', cosignBinary: 'cosign-not-installed-here', chart: 'nginx' })).toThrow(/not on PATH/);
  });

  it("'none' refuses to sign rather than pretending to", async () => {
    const signer = createSigner({ mode: 'none', chart: 'nginx' });
    expect(signer.mode).toBe('none');
    await expect(signer.signBlob('x.tgz')).rejects.toMatchObject({ code: 'SIGNING_DISABLED', chart: 'nginx' });
  });
});
