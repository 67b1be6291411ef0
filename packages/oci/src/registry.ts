import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { ReleaseError } from '@chart-release/core';
import { fileDigest, sha256Digest } from './digest.ts';
import { RegistryHttpError } from './http-error.ts';
import { MANIFEST_ACCEPT, OCI_INDEX, OCI_MANIFEST, OCTET_STREAM } from './media-types.ts';
import { RegistryTransport, type RegistryClientOptions } from './transport.ts';

/** What a manifest reference resolves to. */
export interface ManifestDescriptor {
  digest: string;
  mediaType: string;
  size: number;
}

/** An OCI descriptor (https://github.com/opencontainers/image-spec/blob/main/descriptor.md). */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** An image manifest or index, as far as chart-release reads them. */
export interface Manifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface FetchedManifest extends ManifestDescriptor {
  /** The exact bytes the registry holds: re-tag and sign these, never a re-serialised copy. */
  bytes: Buffer;
  manifest: Manifest;
}

/** Artifacts that refer to a manifest, and which way the registry told us. */
export interface Referrers {
  manifests: Descriptor[];
  /** `api`: the OCI 1.1 referrers API; `tag-schema`: the `sha256-<hex>` fallback tag. */
  via: 'api' | 'tag-schema';
}

/** The fallback tag that lists referrers of `digest` on registries without the referrers API. */
export function referrersTag(digest: string): string {
  return digest.replace(':', '-');
}

/**
 * An OCI distribution client (https://github.com/opencontainers/distribution-spec/blob/main/spec.md): one method per
 * registry operation, each a single request (or one upload unit) under the retry policy and auth flow.
 */
export class RegistryClient {
  readonly transport: RegistryRemote;
  readonly registry: string;

  constructor(options: RegistryClientOptions) {
    this.transport = new RegistryTransport(options);
    this.registry = options.registry;
  }

  // GET /v2/ : the registry answers and accepts our credentials (a Bearer registry hands out a token without scope)
  async ping(): Promise<{ apiVersion?: string }> {
    const res = await this.transport.send({ method: 'GET', path: '/v2/', actions: [], expect: [200], operation: 'GET /v2/' });
    await res.body?.cancel();
    return { apiVersion: res.headers.get('docker-distribution-api-version') ?? undefined };
  }

  // Preflight for `actions` on `repository`: pull reads the tag list (404 means "no such repository yet", which is
  // fine); push opens a blob upload session (POST /v2/<name>/blobs/uploads/) and cancels it (DELETE <location>).
  async checkAuth(repository: string, actions: readonly ('pull' | 'push')[]): Promise<void> {
    if (actions.includes('push')) {
      const res = await this.transport.send({
        method: 'POST',
        path: `/v2/${repository}/blobs/uploads/`,
        repository,
        actions: ['pull', 'push'],
        expect: [202],
        operation: `open upload ${repository}`,
      });
      await res.body?.cancel();
      const location = res.headers.get('location');
      if (location) {
        await this.transport
          .once({
            method: 'DELETE',
            path: this.#absolute(location),
            repository,
            actions: ['pull', 'push'],
            expect: [204, 404],
            operation: `cancel upload ${repository}`,
          })
          .then((r) => r.body?.cancel())
          .catch(() => undefined);
      }
      return;
    }
    const res = await this.transport.send({
      method: 'GET',
      path: `/v2/${repository}/tags/list?n=1`,
      repository,
      actions: ['pull'],
      expect: [200, 404],
      operation: `list tags ${repository}`,
    });
    await res.body?.cancel();
  }

  // HEAD /v2/<name>/manifests/<reference> with the OCI Accept headers: digest, media type and size, or undefined on 404
  async checkManifest(repository: string, reference: string): Promise<ManifestDescriptor | undefined> {
    const res = await this.transport.send({
      method: 'HEAD',
      path: `/v2/${repository}/manifests/${reference}`,
      repository,
      actions: ['pull'],
      headers: { accept: MANIFEST_ACCEPT },
      expect: [200, 404],
      operation: `HEAD manifest ${repository}:${reference}`,
    });
    await res.body?.cancel();
    if (res.status === 404) return undefined;
    const digest = res.headers.get('docker-content-digest');
    if (!digest) {
      // some registries leave the digest off HEAD answers; the GET bytes tell it for sure
      const fetched = await this.getManifest(repository, reference);
      return { digest: fetched.digest, mediaType: fetched.mediaType, size: fetched.size };
    }
    return { digest, mediaType: res.headers.get('content-type') ?? OCI_MANIFEST, size: Number(res.headers.get('content-length') ?? 0) };
  }

  // GET /v2/<name>/manifests/<reference>: the exact bytes, their digest (computed, and checked when asked by digest)
  async getManifest(repository: string, reference: string): Promise<FetchedManifest> {
    const res = await this.transport
      .send({
        method: 'GET',
        path: `/v2/${repository}/manifests/${reference}`,
        repository,
        actions: ['pull'],
        headers: { accept: MANIFEST_ACCEPT },
        expect: [200],
        operation: `GET manifest ${repository}:${reference}`,
      })
      .catch((error: unknown) => this.#notFound(error, repository, reference));
    const bytes = Buffer.from(await res.arrayBuffer());
    const digest = sha256Digest(bytes);
    if (reference.includes(':') && reference !== digest) {
      throw new ReleaseError('PUSH_VERIFY_FAILED', `${this.registry}/${repository}@${reference} returned bytes whose digest is ${digest}.`, {
        hint: 'the registry returned corrupt content; retry, and report it to the registry operator if it persists',
      });
    }
    const manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
    return { bytes, digest, size: bytes.length, manifest, mediaType: manifest.mediaType ?? res.headers.get('content-type') ?? OCI_MANIFEST };
  }

  // PUT /v2/<name>/manifests/<reference> with the manifest's own media type; returns the digest of the bytes sent
  async putManifest(repository: string, reference: string, bytes: Buffer, mediaType: string = OCI_MANIFEST): Promise<string> {
    const digest = sha256Digest(bytes);
    const res = await this.transport.send({
      method: 'PUT',
      path: `/v2/${repository}/manifests/${reference}`,
      repository,
      actions: ['pull', 'push'],
      headers: { 'content-type': mediaType },
      body: () => bytes,
      expect: [201],
      operation: `PUT manifest ${repository}:${reference}`,
    });
    await res.body?.cancel();
    const reported = res.headers.get('docker-content-digest');
    if (reported && reported !== digest) {
      throw new ReleaseError(
        'PUSH_VERIFY_FAILED',
        `${this.registry}/${repository}:${reference}: the registry stored digest ${reported}, but the manifest sent has ${digest}.`,
        { hint: 'the registry rewrote the manifest; use a registry that stores OCI manifests as sent' },
      );
    }
    return digest;
  }

  // HEAD /v2/<name>/blobs/<digest>
  async hasBlob(repository: string, digest: string): Promise<boolean> {
    const res = await this.transport.send({
      method: 'HEAD',
      path: `/v2/${repository}/blobs/${digest}`,
      repository,
      actions: ['pull'],
      expect: [200, 404],
      operation: `HEAD blob ${repository}@${digest}`,
    });
    await res.body?.cancel();
    return res.status === 200;
  }

  // GET /v2/<name>/blobs/<digest> (follows the redirect to storage); the bytes are checked against the digest
  async getBlob(repository: string, digest: string): Promise<Buffer> {
    const res = await this.transport
      .send({
        method: 'GET',
        path: `/v2/${repository}/blobs/${digest}`,
        repository,
        actions: ['pull'],
        expect: [200],
        operation: `GET blob ${repository}@${digest}`,
      })
      .catch((error: unknown) => this.#notFound(error, repository, digest));
    const bytes = Buffer.from(await res.arrayBuffer());
    if (sha256Digest(bytes) !== digest) throw new ReleaseError('PUSH_VERIFY_FAILED', `blob ${repository}@${digest} read back with a different digest.`);
    return bytes;
  }

  // Monolithic upload: POST /v2/<name>/blobs/uploads/ then PUT <location>?digest=<digest> with the whole blob
  // (streamed from the file when given a path). Skipped when the blob is already there. POST and PUT are retried as
  // one unit, since a failed PUT can leave its upload session unusable.
  async uploadBlob(repository: string, data: Buffer | string): Promise<Descriptor> {
    const { digest, size } = typeof data === 'string' ? await fileDigest(data) : { digest: sha256Digest(data), size: data.length };
    const descriptor = { mediaType: OCTET_STREAM, digest, size };
    if (await this.hasBlob(repository, digest)) return descriptor;
    const body = typeof data === 'string' ? () => Readable.toWeb(createReadStream(data)) as unknown as NonNullable<RequestInit['body']> : () => data;
    await this.transport.retry.run(`upload blob ${repository}@${digest} (${this.registry})`, async () => {
      const post = await this.transport.once({
        method: 'POST',
        path: `/v2/${repository}/blobs/uploads/`,
        repository,
        actions: ['pull', 'push'],
        expect: [202],
        operation: `open upload ${repository}`,
      });
      await post.body?.cancel();
      const location = post.headers.get('location');
      if (!location) throw new ReleaseError('REGISTRY_PROTOCOL', `${this.registry} opened a blob upload without a Location header.`);
      const url = new URL(this.#absolute(location));
      url.searchParams.set('digest', digest);
      const put = await this.transport.once({
        method: 'PUT',
        path: url.href,
        repository,
        actions: ['pull', 'push'],
        headers: { 'content-type': OCTET_STREAM, 'content-length': String(size) },
        body,
        expect: [201],
        operation: `PUT blob ${repository}@${digest}`,
      });
      await put.body?.cancel();
    });
    return descriptor;
  }

  // GET /v2/<name>/tags/list?n=<page>, following `Link: <...>; rel="next"` when the registry paginates (distribution
  // 2.8 ignores n and sends every tag at once, without Link). An unknown repository has no tags.
  async listTags(repository: string, pageSize = 1000): Promise<string[]> {
    const tags: string[] = [];
    let path: string | undefined = `/v2/${repository}/tags/list?n=${pageSize}`;
    for (let page = 0; path && page < 10_000; page++) {
      const res: Response = await this.transport.send({
        method: 'GET',
        path,
        repository,
        actions: ['pull'],
        expect: [200, 404],
        operation: `list tags ${repository}`,
      });
      if (res.status === 404) {
        await res.body?.cancel();
        return [];
      }
      const body = (await res.json()) as { tags?: string[] | null };
      tags.push(...(body.tags ?? []));
      const next = parseNextLink(res.headers.get('link'));
      // a registry that links a page to itself would loop forever
      path = next && this.#absolute(next) !== this.#absolute(path) ? this.#absolute(next) : undefined;
    }
    return [...new Set(tags)];
  }

  // Server-side re-tag: GET the manifest, PUT the exact same bytes under `toTag`. helm's manifests carry no
  // top-level mediaType, so the content type falls back to the OCI image manifest, never a re-serialised copy.
  async retag(repository: string, fromReference: string, toTag: string): Promise<string> {
    const source = await this.getManifest(repository, fromReference);
    const digest = await this.putManifest(repository, toTag, source.bytes, source.manifest.mediaType ?? OCI_MANIFEST);
    if (digest !== source.digest) throw new ReleaseError('PUSH_VERIFY_FAILED', `re-tag of ${repository}:${fromReference} to ${toTag} changed the digest.`);
    return digest;
  }

  // DELETE /v2/<name>/manifests/<tag>: removes only the tag (OCI 1.1); distribution 2.8 and many hosted registries refuse
  async deleteTag(repository: string, tag: string): Promise<void> {
    await this.#delete(repository, tag, `delete tag ${repository}:${tag}`);
  }

  // DELETE /v2/<name>/manifests/<digest>: removes the manifest and every tag on it, where the registry allows deletes
  async deleteManifest(repository: string, digest: string): Promise<void> {
    await this.#delete(repository, digest, `delete manifest ${repository}@${digest}`);
  }

  // GET /v2/<name>/referrers/<digest> (OCI 1.1). A registry without the API answers 404 (distribution 2.8), and then
  // the referrers live in an index tagged `sha256-<hex>` (the referrers tag schema).
  async referrers(repository: string, digest: string, artifactType?: string): Promise<Referrers> {
    const query = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : '';
    const res = await this.transport.send({
      method: 'GET',
      path: `/v2/${repository}/referrers/${digest}${query}`,
      repository,
      actions: ['pull'],
      headers: { accept: OCI_INDEX },
      expect: [200, 404],
      operation: `referrers ${repository}@${digest}`,
    });
    const type = res.headers.get('content-type') ?? '';
    if (res.status === 200 && type.startsWith(OCI_INDEX)) {
      const index = (await res.json()) as Manifest;
      return { via: 'api', manifests: filterType(index.manifests ?? [], artifactType) };
    }
    await res.body?.cancel();
    const tag = referrersTag(digest);
    if (!(await this.checkManifest(repository, tag))) return { via: 'tag-schema', manifests: [] };
    const index = await this.getManifest(repository, tag);
    return { via: 'tag-schema', manifests: filterType(index.manifest.manifests ?? [], artifactType) };
  }

  async #delete(repository: string, reference: string, operation: string): Promise<void> {
    try {
      const res = await this.transport.send({
        method: 'DELETE',
        path: `/v2/${repository}/manifests/${reference}`,
        repository,
        actions: ['pull', 'push', 'delete'],
        expect: [202, 200, 204],
        operation,
      });
      await res.body?.cancel();
    } catch (error) {
      if (error instanceof RegistryHttpError && [400, 405].includes(error.status)) {
        throw new ReleaseError(
          'DELETE_NOT_ALLOWED',
          `${this.registry} does not allow ${operation} (HTTP ${error.status}${error.ociErrors[0] ? `: ${error.ociErrors[0]}` : ''}).`,
          { hint: 'delete it in the registry UI, or enable deletes on the registry', cause: error },
        );
      }
      if (error instanceof RegistryHttpError && error.status === 404) throw this.#notFoundError(repository, reference, error);
      throw error;
    }
  }

  #notFound(error: unknown, repository: string, reference: string): never {
    if (error instanceof RegistryHttpError && error.status === 404) throw this.#notFoundError(repository, reference, error);
    throw error;
  }

  #notFoundError(repository: string, reference: string, cause: unknown): ReleaseError {
    return new ReleaseError('MANIFEST_NOT_FOUND', `${this.registry}/${repository}${reference.includes(':') ? '@' : ':'}${reference} does not exist.`, {
      hint: 'check the chart name, version or digest',
      cause,
      details: { registry: this.registry, repository, reference },
    });
  }

  #absolute(location: string): string {
    return location.startsWith('/') ? `${this.transport.baseUrl}${location}` : location;
  }
}

/** What RegistryClient needs from its transport. */
export type RegistryRemote = Pick<RegistryTransport, 'send' | 'once' | 'retry' | 'baseUrl'>;

/** The `rel="next"` target of an RFC 8288 `Link` header, if any. */
export function parseNextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /<([^>]*)>\s*;(.*)$/.exec(part.trim());
    if (match && /\brel\s*=\s*"?next"?/i.test(match[2]!)) return match[1];
  }
  return undefined;
}

function filterType(manifests: Descriptor[], artifactType?: string): Descriptor[] {
  return artifactType ? manifests.filter((m) => m.artifactType === artifactType) : manifests;
}
