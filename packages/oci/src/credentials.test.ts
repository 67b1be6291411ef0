import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { redact } from '@chart-release/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveCredentials } from './credentials.ts';

describe('resolveCredentials', () => {
  let dir: string;
  let docker: string;
  let helm: string;
  const none = join(tmpdir(), 'no-such-config.json');

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'creds-'));
    docker = join(dir, 'docker.json');
    helm = join(dir, 'helm.json');
    await writeFile(
      docker,
      JSON.stringify({ auths: { 'https://registry.example/v1/': { auth: Buffer.from('docker-user:docker-pw-1234').toString('base64') } } }),
    );
    await writeFile(
      helm,
      JSON.stringify({
        auths: { 'registry.example': { username: 'helm-user', password: 'helm-pw-5678' }, 'tokens.example': { registrytoken: 'reg-token-0001' } },
      }),
    );
  });

  const base = () => ({ registry: 'registry.example', dockerConfigPath: docker, helmRegistryConfigPath: helm });

  it('prefers flags, then the environment, then docker config, then helm config', () => {
    const env = { CHART_RELEASE_REGISTRY_USERNAME: 'env-user', CHART_RELEASE_REGISTRY_PASSWORD: 'env-pw-0000' };
    expect(resolveCredentials({ ...base(), env, flags: { username: 'flag-user', password: 'flag-pw-0000' } })).toEqual({
      credentials: { username: 'flag-user', password: 'flag-pw-0000' },
      source: 'flags',
    });
    expect(resolveCredentials({ ...base(), env })).toEqual({
      credentials: { username: 'env-user', password: 'env-pw-0000' },
      source: 'env:CHART_RELEASE_REGISTRY_*',
    });
    expect(resolveCredentials({ ...base(), env: {} })).toEqual({ credentials: { username: 'docker-user', password: 'docker-pw-1234' }, source: docker });
    expect(resolveCredentials({ ...base(), dockerConfigPath: none, env: {} })).toEqual({
      credentials: { username: 'helm-user', password: 'helm-pw-5678' },
      source: helm,
    });
    expect(resolveCredentials({ registry: 'tokens.example', dockerConfigPath: none, helmRegistryConfigPath: helm, env: {} }).credentials).toEqual({
      token: 'reg-token-0001',
    });
    expect(resolveCredentials({ registry: 'other.example', dockerConfigPath: docker, helmRegistryConfigPath: helm, env: {} })).toEqual({ source: 'anonymous' });
  });

  it('uses GITHUB_TOKEN for ghcr.io only', () => {
    const env = { GITHUB_TOKEN: 'ghs_abcdefghijklmnopqrstuvwxyz0123456789', GITHUB_ACTOR: 'octocat' };
    expect(resolveCredentials({ registry: 'ghcr.io', env, dockerConfigPath: none, helmRegistryConfigPath: none })).toEqual({
      credentials: { username: 'octocat', password: env.GITHUB_TOKEN },
      source: 'env:GITHUB_TOKEN',
    });
    expect(resolveCredentials({ registry: 'registry.example', env, dockerConfigPath: none, helmRegistryConfigPath: none }).source).toBe('anonymous');
  });

  it('registers every secret it finds for redaction', () => {
    resolveCredentials({ ...base(), env: {} });
    resolveCredentials({ ...base(), dockerConfigPath: none, env: {} });
    expect(redact('docker-pw-1234 helm-pw-5678')).toBe('*** ***');
  });

  it('wants a username and a password together', () => {
    expect(() => resolveCredentials({ ...base(), env: {}, flags: { username: 'only-user' } })).toThrow(/both a username and a password/);
  });

  it('names a broken config file', async () => {
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ not json');
    expect(() => resolveCredentials({ registry: 'x.example', env: {}, dockerConfigPath: broken, helmRegistryConfigPath: none })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', file: broken }),
    );
  });

  describe('docker credential helpers', () => {
    let helpers: string;
    const env = () => ({ PATH: `${helpers}:${process.env.PATH}` });
    beforeAll(async () => {
      helpers = await mkdtemp(join(tmpdir(), 'cred-helpers-'));
      // a helper speaking docker-credential-helpers' protocol: the server on stdin, JSON on stdout
      await writeFile(
        join(helpers, 'docker-credential-fake'),
        [
          '#!/bin/sh',
          'read server',
          'case "$server" in',
          '  registry.example) echo \'{"ServerURL":"registry.example","Username":"helper-user","Secret":"helper-pw-4321"}\' ;;',
          '  https://index.docker.io/v1/) echo \'{"ServerURL":"https://index.docker.io/v1/","Username":"hub-user","Secret":"hub-pw-8765"}\' ;;',
          '  sso.example) echo \'{"ServerURL":"sso.example","Username":"<token>","Secret":"identity-token-1111"}\' ;;',
          '  broken.example) echo "keychain locked" >&2; exit 3 ;;',
          '  *) echo "credentials not found in native keychain"; exit 1 ;;',
          'esac',
          '',
        ].join('\n'),
      );
      await chmod(join(helpers, 'docker-credential-fake'), 0o755);
    });
    const config = async (name: string, content: object) => {
      const path = join(dir, name);
      await writeFile(path, JSON.stringify(content));
      return path;
    };

    it('asks credHelpers for its registry, then credsStore, before auths', async () => {
      const path = await config('helpers.json', {
        credHelpers: { 'registry.example': 'fake' },
        auths: { 'registry.example': { auth: Buffer.from('stale-user:stale-pw-0000').toString('base64') } },
      });
      expect(resolveCredentials({ registry: 'registry.example', dockerConfigPath: path, helmRegistryConfigPath: none, env: env() })).toEqual({
        credentials: { username: 'helper-user', password: 'helper-pw-4321' },
        source: path,
      });
      const store = await config('store.json', { credsStore: 'fake' });
      expect(resolveCredentials({ registry: 'docker.io', dockerConfigPath: store, helmRegistryConfigPath: none, env: env() }).credentials).toEqual({
        username: 'hub-user',
        password: 'hub-pw-8765',
      });
      expect(redact('helper-pw-4321 hub-pw-8765')).toBe('*** ***');
    });

    it('goes on to auths and helm when the helper has nothing, and past a credsStore that is not installed', async () => {
      const path = await config('fallback.json', { credsStore: 'fake', auths: { 'other.example': { username: 'auth-user', password: 'auth-pw-2222' } } });
      expect(resolveCredentials({ registry: 'other.example', dockerConfigPath: path, helmRegistryConfigPath: none, env: env() }).credentials).toEqual({
        username: 'auth-user',
        password: 'auth-pw-2222',
      });
      const absent = await config('absent-store.json', { credsStore: 'not-installed' });
      expect(resolveCredentials({ registry: 'registry.example', dockerConfigPath: absent, helmRegistryConfigPath: helm, env: env() }).source).toBe(helm);
    });

    it('names the helper and the file when a helper for the registry is missing or fails; `<token>` is an identity token', async () => {
      const missing = await config('missing-helper.json', { credHelpers: { 'registry.example': 'not-installed' } });
      expect(() => resolveCredentials({ registry: 'registry.example', dockerConfigPath: missing, helmRegistryConfigPath: none, env: env() })).toThrow(
        expect.objectContaining({ code: 'CREDENTIAL_HELPER_FAILED', file: missing, message: expect.stringContaining('docker-credential-not-installed') }),
      );
      const path = await config('failing.json', { credsStore: 'fake' });
      expect(() => resolveCredentials({ registry: 'broken.example', dockerConfigPath: path, helmRegistryConfigPath: none, env: env() })).toThrow(
        /exit 3\): keychain locked/,
      );
      expect(resolveCredentials({ registry: 'sso.example', dockerConfigPath: path, helmRegistryConfigPath: none, env: env() }).credentials).toEqual({
        identityToken: 'identity-token-1111',
      });
      expect(redact('identity-token-1111')).toBe('***');
      const auths = await config('identity.json', { auths: { 'sso.example': { identitytoken: 'identity-token-2222' } } });
      expect(resolveCredentials({ registry: 'sso.example', dockerConfigPath: auths, helmRegistryConfigPath: none, env: {} }).credentials).toEqual({
        identityToken: 'identity-token-2222',
      });
    });
  });
});
