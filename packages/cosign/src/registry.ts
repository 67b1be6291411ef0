/** An OCI descriptor (https://github.com/opencontainers/image-spec/blob/main/descriptor.md). */
export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** A manifest or index, as far as signing reads and writes them. */
export interface OciManifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config?: OciDescriptor;
  layers?: OciDescriptor[];
  manifests?: OciDescriptor[];
  subject?: OciDescriptor;
  annotations?: Record<string, string>;
}

/**
 * The registry operations signing needs, one request each; `RegistryClient` from `@chart-release/oci` provides them.
 * Declared here by shape so that signing depends on the operations, not on one client class.
 */
export interface SignatureRegistry {
  /** Registry host, e.g. `ghcr.io` or `127.0.0.1:5000`. */
  readonly registry: string;
  /** HEAD of a manifest: its descriptor, or undefined when absent. */
  checkManifest(repository: string, reference: string): Promise<{ digest: string; mediaType: string; size: number } | undefined>;
  /** GET of a manifest: the exact bytes and the parsed document. */
  getManifest(repository: string, reference: string): Promise<{ bytes: Buffer; digest: string; mediaType: string; manifest: OciManifest }>;
  /** PUT of a manifest under a tag or digest; returns the digest of the bytes. */
  putManifest(repository: string, reference: string, bytes: Buffer, mediaType?: string): Promise<string>;
  /** Uploads a blob (skipped when present). */
  uploadBlob(repository: string, data: Buffer): Promise<{ digest: string; size: number }>;
  /** GET of a blob, checked against its digest. */
  getBlob(repository: string, digest: string): Promise<Buffer>;
  /** Referrers of a manifest, through the referrers API or the `sha256-<hex>` tag schema. */
  referrers(repository: string, digest: string, artifactType?: string): Promise<{ manifests: OciDescriptor[]; via: 'api' | 'tag-schema' }>;
}
