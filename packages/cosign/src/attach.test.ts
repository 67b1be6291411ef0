import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { attachBundle, findBundles, OCI_INDEX_MEDIA_TYPE } from './referrer.ts';
import type { OciDescriptor, OciManifest, SignatureRegistry } from './registry.ts';

const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** An in-memory registry: manifests by digest and tag, blobs, and optionally the referrers API. */
function memoryRegistry(options: { referrersApi: boolean; onIndexPut?: (registry: MemoryRegistry) => void }) {
  const manifests = new Map<string, { bytes: Buffer; mediaType: string }>();
  const tags = new Map<string, string>();
  const blobs = new Map<string, Buffer>();
  const puts: string[] = [];
  const registry = {
    registry: 'registry.test',
    manifests,
    tags,
    puts,
    async checkManifest(_repo: string, ref: string) {
      const m = manifests.get(tags.get(ref) ?? ref);
      return m ? { digest: tags.get(ref) ?? ref, mediaType: m.mediaType, size: m.bytes.length } : undefined;
    },
    async getManifest(_repo: string, ref: string) {
      const digest = tags.get(ref) ?? ref;
      const m = manifests.get(digest);
      if (!m) throw Object.assign(new Error(`404 ${ref}`), { code: 'MANIFEST_NOT_FOUND' });
      return { bytes: m.bytes, digest, mediaType: m.mediaType, manifest: JSON.parse(m.bytes.toString()) as OciManifest };
    },
    async putManifest(_repo: string, ref: string, bytes: Buffer, mediaType = 'application/vnd.oci.image.manifest.v1+json') {
      const digest = digestOf(bytes);
      manifests.set(digest, { bytes, mediaType });
      if (!ref.startsWith('sha256:')) tags.set(ref, digest);
      puts.push(ref);
      if (mediaType === OCI_INDEX_MEDIA_TYPE) options.onIndexPut?.(registry);
      return digest;
    },
    async uploadBlob(_repo: string, data: Buffer) {
      blobs.set(digestOf(data), data);
      return { digest: digestOf(data), size: data.length };
    },
    async getBlob(_repo: string, digest: string) {
      return blobs.get(digest)!;
    },
    async referrers(_repo: string, digest: string) {
      if (options.referrersApi) {
        const list: OciDescriptor[] = [];
        for (const [d, m] of manifests) {
          const parsed = JSON.parse(m.bytes.toString()) as OciManifest;
          if (parsed.subject?.digest === digest) list.push({ mediaType: m.mediaType, digest: d, size: m.bytes.length, artifactType: parsed.artifactType });
        }
        return { via: 'api' as const, manifests: list };
      }
      const index = tags.get(digest.replace(':', '-'));
      return { via: 'tag-schema' as const, manifests: index ? ((JSON.parse(manifests.get(index)!.bytes.toString()) as OciManifest).manifests ?? []) : [] };
    },
  } satisfies SignatureRegistry & Record<string, unknown>;
  return registry;
}
type MemoryRegistry = ReturnType<typeof memoryRegistry>;

async function withChart(registry: MemoryRegistry): Promise<string> {
  return registry.putManifest('charts/nginx', '1.0.0', Buffer.from(JSON.stringify({ schemaVersion: 2, config: {}, layers: [] })));
}

describe('attaching a bundle', () => {
  it('leaves the referrers list to a registry with the referrers API (no fallback tag)', async () => {
    const registry = memoryRegistry({ referrersApi: true });
    const digest = await withChart(registry);
    const attached = await attachBundle(
      registry,
      'charts/nginx',
      digest,
      '{"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"}',
      'https://sigstore.dev/cosign/sign/v1',
    );
    expect(registry.tags.has(digest.replace(':', '-'))).toBe(false);
    expect((await findBundles(registry, 'charts/nginx', digest)).map((f) => f.referrerDigest)).toEqual([attached.referrerDigest]);
  });

  it('merges again when a concurrent writer replaced the fallback index in between', async () => {
    let raced = false;
    const registry = memoryRegistry({
      referrersApi: false,
      // the first index write is immediately overwritten by another writer's index without our entry
      onIndexPut: (r) => {
        if (raced) return;
        raced = true;
        const tag = [...r.tags.keys()].find((t) => t.startsWith('sha256-'))!;
        const other = Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: OCI_INDEX_MEDIA_TYPE,
            manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${'e'.repeat(64)}`, size: 1 }],
          }),
        );
        r.manifests.set(digestOf(other), { bytes: other, mediaType: OCI_INDEX_MEDIA_TYPE });
        r.tags.set(tag, digestOf(other));
      },
    });
    const digest = await withChart(registry);
    const attached = await attachBundle(registry, 'charts/nginx', digest, '{}', 'https://sigstore.dev/cosign/sign/v1');
    const listed = (await registry.referrers('charts/nginx', digest)).manifests.map((m) => m.digest);
    expect(listed).toEqual(expect.arrayContaining([attached.referrerDigest, `sha256:${'e'.repeat(64)}`]));
    expect(registry.puts.filter((p) => p.startsWith('sha256-'))).toHaveLength(2);
  });

  it('refuses a fallback tag that holds something other than an index', async () => {
    const registry = memoryRegistry({ referrersApi: false });
    const digest = await withChart(registry);
    await registry.putManifest(
      'charts/nginx',
      digest.replace(':', '-'),
      Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}'),
    );
    await expect(attachBundle(registry, 'charts/nginx', digest, '{}', 'p')).rejects.toMatchObject({
      code: 'SIGNING_FAILED',
      message: expect.stringContaining('not an OCI image index'),
    });
  });

  it('refuses to attach to a manifest that is not there', async () => {
    const registry = memoryRegistry({ referrersApi: false });
    await expect(attachBundle(registry, 'charts/nginx', `sha256:${'9'.repeat(64)}`, '{}', 'p')).rejects.toMatchObject({
      code: 'SIGNING_FAILED',
      hint: expect.stringContaining('push the chart first'),
    });
  });

  it('ignores listed referrers whose manifest names another subject', async () => {
    const registry = memoryRegistry({ referrersApi: false });
    const digest = await withChart(registry);
    const other = await registry.putManifest('charts/nginx', '2.0.0', Buffer.from(JSON.stringify({ schemaVersion: 2, config: {}, layers: [{}] })));
    const elsewhere = await attachBundle(registry, 'charts/nginx', other, '{}', 'p');
    // someone lists the other chart's signature under this chart's fallback tag
    const index = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_INDEX_MEDIA_TYPE,
        manifests: [
          {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            digest: elsewhere.referrerDigest,
            size: 1,
            artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
          },
        ],
      }),
    );
    await registry.putManifest('charts/nginx', digest.replace(':', '-'), index, OCI_INDEX_MEDIA_TYPE);
    expect(await findBundles(registry, 'charts/nginx', digest)).toEqual([]);
  });

  it('skips a stale index entry whose manifest is gone and still finds the others', async () => {
    const registry = memoryRegistry({ referrersApi: false });
    const digest = await withChart(registry);
    const attached = await attachBundle(registry, 'charts/nginx', digest, '{"a":1}', 'p');
    const tag = digest.replace(':', '-');
    const { manifest } = await registry.getManifest('charts/nginx', tag);
    const stale = {
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: `sha256:${'7'.repeat(64)}`,
      size: 9,
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    };
    await registry.putManifest(
      'charts/nginx',
      tag,
      Buffer.from(JSON.stringify({ ...manifest, manifests: [stale, ...manifest.manifests!] })),
      OCI_INDEX_MEDIA_TYPE,
    );
    expect((await findBundles(registry, 'charts/nginx', digest)).map((f) => f.referrerDigest)).toEqual([attached.referrerDigest]);
  });
});

describe('a crash while attaching a bundle', () => {
  it('leaves a manifest the same bundle attached again lists, so nothing stays orphaned', async () => {
    const registry = memoryRegistry({ referrersApi: false });
    const digest = await withChart(registry);
    const realPut = registry.putManifest.bind(registry);
    // the process dies right after the referrer manifest, before the index write
    registry.putManifest = async (repo, ref, bytes, mediaType) => {
      if (mediaType === OCI_INDEX_MEDIA_TYPE) throw new Error('killed');
      return realPut(repo, ref, bytes, mediaType);
    };
    const bundle = JSON.stringify({ verificationMaterial: { tlogEntries: [{ integratedTime: '1767225600' }] } });
    await expect(attachBundle(registry, 'charts/nginx', digest, bundle, 'p')).rejects.toThrow('killed');
    expect(await findBundles(registry, 'charts/nginx', digest)).toEqual([]);
    const orphans = [...registry.manifests.keys()].filter((d) => d !== digest);
    expect(orphans).toHaveLength(1);

    registry.putManifest = realPut;
    const attached = await attachBundle(registry, 'charts/nginx', digest, bundle, 'p');
    expect(attached.referrerDigest).toBe(orphans[0]);
    expect((await registry.referrers('charts/nginx', digest)).manifests.map((m) => m.digest)).toEqual([attached.referrerDigest]);
  });

  it("stamps the referrer with the bundle's transparency log time", async () => {
    const registry = memoryRegistry({ referrersApi: true });
    const digest = await withChart(registry);
    const attached = await attachBundle(
      registry,
      'charts/nginx',
      digest,
      JSON.stringify({ verificationMaterial: { tlogEntries: [{ integratedTime: '1767225600' }] } }),
      'p',
    );
    const { manifest } = await registry.getManifest('charts/nginx', attached.referrerDigest);
    expect(manifest.annotations?.['org.opencontainers.image.created']).toBe('2026-01-01T00:00:00Z');
  });
});
