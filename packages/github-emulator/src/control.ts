import type { IncomingMessage } from 'node:http';
import type { GitHubEmulator } from './emulator.ts';
import type { FaultOptions } from './faults.ts';
import type { RenderContext } from './render-repo.ts';
import type { RouteResponse } from './routes-context.ts';
import type { EmulatorSeed } from './seed.ts';

/**
 * The emulator's own endpoints under /_emulator/ (no token needed; the emulator listens on 127.0.0.1 only):
 * the request log, the state, seeding, faults and reset.
 */
export function handleControlRequest(emulator: GitHubEmulator, ctx: RenderContext, req: IncomingMessage, raw: Buffer): RouteResponse {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', ctx.webUrl);
  const parts = url.pathname.split('/').slice(2).map(decodeURIComponent);
  const route = `${method} ${parts[0] ?? ''}`;
  const json = () => (raw.length ? JSON.parse(raw.toString('utf8')) : {}) as unknown;
  try {
    switch (route) {
      case 'GET health':
        return { status: 200, body: { ok: true } };
      case 'GET requests':
        return { status: 200, body: emulator.requests };
      case 'DELETE requests':
        emulator.requests.length = 0;
        return { status: 204 };
      case 'GET schema-violations':
        return { status: 200, body: emulator.schemaViolations };
      case 'GET state':
        return { status: 200, body: emulator.state };
      case 'POST seed':
        emulator.seed(json() as EmulatorSeed);
        return { status: 200, body: { ok: true } };
      case 'POST faults':
        emulator.setFaults(json() as FaultOptions);
        return { status: 200, body: { ok: true } };
      case 'POST reset':
        emulator.reset();
        return { status: 200, body: { ok: true } };
      case 'GET avatars':
        return { status: 200, bytes: Buffer.from(''), headers: { 'content-type': 'image/png' } };
      default:
        return { status: 404, body: { message: `unknown emulator endpoint ${method} ${url.pathname}` } };
    }
  } catch (error) {
    return { status: 400, body: { message: (error as Error).message } };
  }
}
