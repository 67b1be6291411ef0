import { mkdtemp, writeFile } from 'node:fs/promises';
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
    await writeFile(docker, JSON.stringify({ auths: { 'https://registry.example/v1/': { auth: Buffer.from('docker-user:docker-pw-1234').toString('base64') } } }));
    await writeFile(helm, JSON.stringify({ auths: { 'registry.example': { username: 'helm-user', password: 'helm-pw-5678' }, 'tokens.example': { registrytoken: 'reg-token-0001' } } }));
  });

  const base = () => ({ registry: 'registry.example', dockerConfigPath: docker, helmRegistryConfigPath: helm });

  it('prefers flags, then the environment, then docker config, then helm config', () => {
    const env = { CHART_RELEASE_REGISTRY_USERNAME: 'env-user', CHART_RELEASE_REGISTRY_PASSWORD: 'env-pw-0000' };
    expect(resolveCredentials({ ...base(), env, flags: { username: 'flag-user', password: 'flag-pw-0000' } })).toEqual({ credentials: { username: 'flag-user', password: 'flag-pw-0000' }, source: 'flags' });
    expect(resolveCredentials({ ...base(), env })).toEqual({ credentials: { username: 'env-user', password: 'env-pw-0000' }, source: 'env:CHART_RELEASE_REGISTRY_*' });
    expect(resolveCredentials({ ...base(), env: {} })).toEqual({ credentials: { username: 'docker-user', password: 'docker-pw-1234' }, source: docker });
    expect(resolveCredentials({ ...base(), dockerConfigPath: none, env: {} })).toEqual({ credentials: { username: 'helm-user', password: 'helm-pw-5678' }, source: helm });
    expect(resolveCredentials({ registry: 'tokens.example', dockerConfigPath: none, helmRegistryConfigPath: helm, env: {} }).credentials).toEqual({ token: 'reg-token-0001' });
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
    expect(() => resolveCredentials({ registry: 'x.example', env: {}, dockerConfigPath: broken, helmRegistryConfigPath: none })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG', file: broken }));
  });
});
