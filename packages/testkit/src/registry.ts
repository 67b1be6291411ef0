import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { execa, type ResultPromise } from 'execa';
import { stringify } from 'yaml';
import { freePort, waitForHttp } from './net.ts';
import { createTestCertificates } from './tls.ts';
import { requireSystemTools } from './tools.ts';

/** Token-auth settings for distribution's `auth.token` (see the test token server). */
export interface RegistryTokenAuth {
  realm: string;
  service: string;
  issuer: string;
  /** PEM certificate(s) whose keys sign the tokens. */
  rootCertBundle: string;
}

export interface StartRegistryOptions {
  /** Require HTTP basic auth with this user (htpasswd, bcrypt). */
  basicAuth?: { username: string; password: string };
  /** Require Bearer tokens from a token server. */
  tokenAuth?: RegistryTokenAuth;
  /** Allow DELETE of manifests (off by default, as on many hosted registries). */
  allowDelete?: boolean;
  /** Port to listen on; a free one by default. */
  port?: number;
  /** Serve HTTPS with a certificate from a throw-away CA (`caFile` in the result). */
  tls?: boolean;
}

/** A running docker-registry (CNCF distribution) on 127.0.0.1. */
export interface RunningRegistry {
  /** `127.0.0.1:PORT`, the host part of OCI references. */
  host: string;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  port: number;
  /** Folder with the registry's storage and config. */
  dir: string;
  /** With `tls`: the CA certificate that signed the registry's certificate. */
  caFile?: string;
  stop(): Promise<void>;
}

/** Starts Debian's `docker-registry` on a free port of 127.0.0.1, plain HTTP, optionally with auth. */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<RunningRegistry> {
  await requireSystemTools();
  const dir = await mkdtemp(join(tmpdir(), 'registry-'));
  const port = options.port ?? (await freePort());
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'error', accesslog: { disabled: true } },
    storage: {
      filesystem: { rootdirectory: join(dir, 'data') },
      delete: { enabled: options.allowDelete ?? false },
      maintenance: { uploadpurging: { enabled: false } },
    },
    http: { addr: `127.0.0.1:${port}`, headers: { 'X-Content-Type-Options': ['nosniff'] } },
  };
  const certificates = options.tls ? await createTestCertificates(dir) : undefined;
  if (certificates) (config.http as Record<string, unknown>).tls = { certificate: certificates.certFile, key: certificates.keyFile };
  if (options.basicAuth) {
    const hash = bcrypt.hashSync(options.basicAuth.password, 5);
    await writeFile(join(dir, 'htpasswd'), `${options.basicAuth.username}:${hash}\n`);
    config.auth = { htpasswd: { realm: 'chart-release-test', path: join(dir, 'htpasswd') } };
  } else if (options.tokenAuth) {
    await writeFile(join(dir, 'token-root.pem'), options.tokenAuth.rootCertBundle);
    config.auth = {
      token: {
        realm: options.tokenAuth.realm,
        service: options.tokenAuth.service,
        issuer: options.tokenAuth.issuer,
        rootcertbundle: join(dir, 'token-root.pem'),
      },
    };
  }
  await writeFile(join(dir, 'config.yml'), stringify(config));
  const child: ResultPromise = execa('docker-registry', ['serve', join(dir, 'config.yml')], {
    reject: false,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { OTEL_TRACES_EXPORTER: 'none' },
  });
  let exited = false;
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  void child.then(() => (exited = true));
  const url = `${certificates ? 'https' : 'http'}://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/v2/`, { statuses: [200, 401], isAlive: () => !exited, caFile: certificates?.caFile });
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`docker-registry did not start: ${(error as Error).message}\n${stderr}`);
  }
  return {
    host: `127.0.0.1:${port}`,
    url,
    port,
    dir,
    caFile: certificates?.caFile,
    async stop() {
      child.kill('SIGTERM');
      await child;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
