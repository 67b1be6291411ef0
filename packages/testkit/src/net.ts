import { readFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers with one of `statuses` or `timeoutMs` passes. */
export async function waitForHttp(
  url: string,
  {
    statuses = [200],
    timeoutMs = 20_000,
    isAlive = () => true,
    caFile,
  }: { statuses?: number[]; timeoutMs?: number; isAlive?: () => boolean; /** CA of an HTTPS server's certificate. */ caFile?: string } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`process serving ${url} exited before it was ready`);
    try {
      const status = caFile ? await httpsStatus(url, readFileSync(caFile, 'utf8')) : await fetchStatus(url);
      if (statuses.includes(status)) return;
      last = `status ${status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await sleep(50);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last})`);
}

async function fetchStatus(url: string): Promise<number> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await res.arrayBuffer();
  return res.status;
}

/** The status of a GET over HTTPS, trusting `ca` (fetch cannot be given a CA without undici's dispatcher). */
function httpsStatus(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsGet(url, { ca, timeout: 2_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}
