import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { seededRandom } from '@chart-release/github-emulator';
import { freePort } from './net.ts';

/** A fault the proxy can inject instead of forwarding a request. */
export type FaultKind = '503' | '429' | 'reset' | '401';

export interface FaultSettings {
  /** Share of requests (0..1) answered with a fault instead of being forwarded. */
  rate: number;
  /** Which faults to pick from (uniformly). `401` answers a Basic challenge, for "credentials refused" tests. */
  kinds: FaultKind[];
  /** Seed of the deterministic generator that decides which requests fail. */
  seed?: number;
  /** Never inject more than this many faults in a row (default 3), so a retrying client always gets through. */
  maxConsecutive?: number;
  /** Only requests whose `METHOD /path` matches are candidates for a fault (default: all). */
  only?: RegExp;
}

export interface FaultProxyOptions {
  /** `http://127.0.0.1:PORT` of the server to forward to; loopback only. */
  target: string;
  faults?: FaultSettings;
  /** Delay before each request is forwarded or answered, in ms. */
  latencyMs?: number;
  /** Requests served before the proxy refuses with 503 "proxy budget exhausted" (default 10 000). */
  maxRequests?: number;
}

export interface FaultProxyStats {
  requests: number;
  forwarded: number;
  faults: Record<FaultKind, number>;
  /** `METHOD path -> outcome` for every request, in order (outcome: a status, or `reset`). */
  log: string[];
}

export interface RunningFaultProxy {
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** `127.0.0.1:PORT`, to use as the registry host. */
  host: string;
  stats: FaultProxyStats;
  /** Changes the faults from now on (the generator keeps its state unless a new seed is given). */
  setFaults(faults: FaultSettings | undefined): void;
  stop(): Promise<void>;
}

/**
 * An HTTP proxy on 127.0.0.1 in front of a loopback server (a test registry) that answers a seeded share of requests
 * with 503, 429 (`Retry-After: 0`), 401, or a reset connection, and forwards the rest unchanged (the Host header is
 * kept, so the registry's upload `Location`s point back at the proxy).
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<RunningFaultProxy> {
  const target = new URL(options.target);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(target.hostname) && !target.hostname.startsWith('127.')) {
    throw new Error(`the fault proxy only forwards to loopback addresses, not ${target.hostname}`);
  }
  const maxRequests = options.maxRequests ?? 10_000;
  let faults = options.faults;
  let random = seededRandom(faults?.seed ?? 1);
  let consecutive = 0;
  const stats: FaultProxyStats = { requests: 0, forwarded: 0, faults: { '503': 0, '429': 0, reset: 0, '401': 0 }, log: [] };

  const pickFault = (line: string): FaultKind | undefined => {
    if (!faults || faults.rate <= 0 || faults.kinds.length === 0) return undefined;
    if (faults.only && !faults.only.test(line)) return undefined;
    const roll = random();
    const kind = faults.kinds[Math.floor(random() * faults.kinds.length)]!;
    if (roll >= faults.rate || consecutive >= (faults.maxConsecutive ?? 3)) {
      consecutive = 0;
      return undefined;
    }
    consecutive++;
    return kind;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    stats.requests++;
    const line = `${req.method} ${req.url?.replace(/\?.*$/, '')}`;
    if (options.latencyMs) await sleep(options.latencyMs);
    if (stats.requests > maxRequests) {
      stats.log.push(`${line} -> 503 (budget)`);
      res.writeHead(503, { 'content-type': 'text/plain' }).end('fault proxy request budget exhausted\n');
      return;
    }
    const fault = pickFault(line);
    if (fault) {
      stats.faults[fault]++;
      stats.log.push(`${line} -> ${fault}`);
      if (fault === 'reset') {
        req.socket.resetAndDestroy();
        return;
      }
      req.resume();
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault === '429') headers['retry-after'] = '0';
      if (fault === '401') headers['www-authenticate'] = 'Basic realm="fault-proxy"';
      const code = { '503': 'UNAVAILABLE', '429': 'TOOMANYREQUESTS', '401': 'UNAUTHORIZED' }[fault];
      res.writeHead(Number(fault), headers).end(JSON.stringify({ errors: [{ code, message: `injected ${fault}` }] }));
      return;
    }
    stats.forwarded++;
    const upstream = httpRequest(
      { host: target.hostname.replace(/^\[|\]$/g, ''), port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        stats.log.push(`${line} -> ${answer.statusCode}`);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      stats.log.push(`${line} -> 502 (${error.message})`);
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(upstream);
  };

  const server = createServer((req, res) => void handle(req, res));
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    stats,
    setFaults(next) {
      faults = next;
      if (next?.seed !== undefined) random = seededRandom(next.seed);
      consecutive = 0;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
