import { createHash, generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, rekorHandler, type HandlerFn } from '@sigstore/mock';
import { createOidcRoutes, type OidcRoutes, type TestOidcIssuer } from './oidc-issuer.ts';

/** A local Sigstore instance: OIDC issuer, Fulcio and Rekor as real HTTP servers on 127.0.0.1, and its trust root. */
export interface SigstoreStack {
  /** Fulcio base URL (`POST /api/v2/signingCert`). */
  fulcioUrl: string;
  /** Rekor base URL (`POST /api/v1/log/entries`). */
  rekorUrl: string;
  oidc: TestOidcIssuer;
  /** A `trusted_root.json` for this stack, for `--trusted-root` / `trustedRootPath`. */
  trustedRootPath: string;
  /** The same trusted root as parsed JSON. */
  trustedRoot: Record<string, unknown>;
  stop(): Promise<void>;
}

const TRUSTED_ROOT_MEDIA_TYPE = 'application/vnd.dev.sigstore.trustedroot+json;version=0.1';

/**
 * Starts Fulcio, Rekor and an OIDC issuer built from `@sigstore/mock`'s handlers and key material. The mock's own
 * interceptors use nock, which does not see Node's global fetch, so the handlers are served over plain node:http.
 */
export async function startSigstoreStack(): Promise<SigstoreStack> {
  const servers: Server[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'sigstore-stack-'));
  try {
    // The OIDC server needs its own URL before the routes exist, so listen first and route afterwards.
    const routing: { oidc?: OidcRoutes } = {};
    const oidcServer = await listen(servers, async (req) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      return routing.oidc?.handle(req.method ?? 'GET', url, req.headers) ?? { status: 404, body: 'not found' };
    });
    const oidcRoutes = createOidcRoutes(oidcServer.url);
    routing.oidc = oidcRoutes;

    const ctKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const caKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const tlogKeys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    // No clock: the CA's root certificate always starts "now", and a past clock would make leaf and root disagree.
    const ctLog = await initializeCTLog(ctKeys);
    const ca = await initializeCA(caKeys, ctLog);
    const fulcio = fulcioHandler(ca);
    // GET /api/v2/configuration as Fulcio serves it: the OIDC issuers it accepts (readiness checks read it)
    const fulcioConfiguration = { issuers: [{ issuerUrl: oidcRoutes.issuer.issuer, audience: 'sigstore', challengeClaim: 'sub' }] };
    const fulcioServer = await listen(servers, withGet({ '/api/v2/configuration': () => fulcioConfiguration }, postRoutes({ [fulcio.path]: fulcio.fn })));

    let treeSize = 0;
    const rekorServer = await listen(
      servers,
      withGet({ '/api/v1/log': () => ({ treeID: '1', treeSize }) }, async (req, body) => {
        const answer = await postRoutes({ '/api/v1/log/entries': (b) => createRekorEntry(b) })(req, body);
        if (answer.status === 201) treeSize++;
        return answer;
      }),
    );
    const rekorUrl = rekorServer.url;
    const tlog = await initializeTLog(rekorUrl, tlogKeys);
    const hashedRekordAndIntoto = rekorHandler(tlog);
    // The mock logs the proposed entry as the body; real Rekor canonicalizes dsse entries, and verifiers compare
    // the bundle with that canonical body, so build it here the way Rekor does.
    const createRekorEntry: HandlerFn = async (body) => {
      let proposed: ProposedDsseEntry;
      try {
        proposed = JSON.parse(body) as ProposedDsseEntry;
      } catch {
        return { statusCode: 400, response: 'invalid JSON' };
      }
      if (proposed.kind !== 'dsse') return hashedRekordAndIntoto.fn(body);
      try {
        const entry = await tlog.log(canonicalDsseBody(proposed));
        return { statusCode: 201, response: JSON.stringify(entry), contentType: 'application/json' };
      } catch (error) {
        return { statusCode: 400, response: (error as Error).message };
      }
    };

    // Rekor's integrated time is whole seconds and is compared with validFor.start: start a minute in the past.
    const start = new Date(Date.now() - 60_000).toISOString();
    const tlogKeyDer = tlog.publicKey;
    const trustedRoot = {
      mediaType: TRUSTED_ROOT_MEDIA_TYPE,
      tlogs: [
        {
          baseUrl: rekorUrl,
          hashAlgorithm: 'SHA2_256',
          publicKey: { rawBytes: tlogKeyDer.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
          logId: { keyId: createHash('sha256').update(tlogKeyDer).digest('base64') },
        },
      ],
      certificateAuthorities: [
        {
          subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
          uri: fulcioServer.url,
          certChain: { certificates: [{ rawBytes: Buffer.from(ca.rootCertificate.buffer).toString('base64') }] },
          validFor: { start },
        },
      ],
      ctlogs: [
        {
          baseUrl: `${fulcioServer.url}/ct`,
          hashAlgorithm: 'SHA2_256',
          publicKey: { rawBytes: ctLog.publicKey.toString('base64'), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
          logId: { keyId: Buffer.from(ctLog.logID.buffer, ctLog.logID.byteOffset, ctLog.logID.byteLength).toString('base64') },
        },
      ],
      timestampAuthorities: [],
    };
    const trustedRootPath = join(dir, 'trusted_root.json');
    await writeFile(trustedRootPath, `${JSON.stringify(trustedRoot, null, 2)}\n`);

    return {
      fulcioUrl: fulcioServer.url,
      rekorUrl,
      oidc: oidcRoutes.issuer,
      trustedRootPath,
      trustedRoot,
      async stop() {
        await closeAll(servers);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await closeAll(servers);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

interface ProposedDsseEntry {
  kind?: string;
  apiVersion?: string;
  spec?: { proposedContent?: { envelope?: string; verifiers?: string[] } };
}

/** The body Rekor stores for a `dsse` v0.0.1 entry: hashes of envelope and payload, signatures with verifiers. */
function canonicalDsseBody(proposed: ProposedDsseEntry): object {
  const envelopeJson = proposed.spec?.proposedContent?.envelope;
  const verifiers = proposed.spec?.proposedContent?.verifiers ?? [];
  if (!envelopeJson || verifiers.length === 0) throw new Error('dsse entry needs proposedContent.envelope and verifiers');
  const envelope = JSON.parse(envelopeJson) as { payload: string; signatures: { sig: string }[] };
  const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');
  return {
    apiVersion: proposed.apiVersion ?? '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256(envelopeJson) },
      payloadHash: { algorithm: 'sha256', value: sha256(Buffer.from(envelope.payload, 'base64')) },
      signatures: envelope.signatures.map((s) => ({ signature: s.sig, verifier: verifiers[0] })),
    },
  };
}

type Responder = (req: IncomingMessage, body: string) => Promise<{ status: number; body: string | ArrayBufferView; contentType?: string }>;

/** Answers GET requests for these paths with JSON, everything else with `next`. */
function withGet(routes: Record<string, () => unknown>, next: Responder): Responder {
  return async (req, body) => {
    const route = routes[new URL(req.url ?? '/', 'http://127.0.0.1').pathname];
    if (req.method === 'GET' && route) return { status: 200, body: JSON.stringify(route()), contentType: 'application/json' };
    return next(req, body);
  };
}

function postRoutes(routes: Record<string, HandlerFn>): Responder {
  return async (req, body) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const fn = routes[path];
    if (req.method !== 'POST' || !fn) return { status: 404, body: 'not found' };
    const result = await fn(body);
    return { status: result.statusCode, body: result.response, contentType: result.contentType ?? 'text/plain' };
  };
}

async function listen(servers: Server[], respond: Responder): Promise<{ url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      respond(req, Buffer.concat(chunks).toString('utf8'))
        .then((r) => {
          res.writeHead(r.status, { 'content-type': r.contentType ?? 'application/json' });
          res.end(typeof r.body === 'string' ? r.body : Buffer.from(r.body.buffer, r.body.byteOffset, r.body.byteLength));
        })
        .catch((error: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String((error as Error)?.message ?? error));
        });
    });
  });
  servers.push(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}` };
}

async function closeAll(servers: Server[]): Promise<void> {
  await Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
}
