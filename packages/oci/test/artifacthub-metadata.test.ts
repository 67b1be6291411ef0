import { memoryLogger } from '@chart-release/core';
import { skopeoRawManifest, startRegistry, type RunningRegistry } from '@chart-release/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTHUB_CONFIG, ARTIFACTHUB_METADATA_LAYER, ARTIFACTHUB_TAG, pushArtifactHubMetadata, RegistryClient, sha256Digest } from '../src/index.ts';

describe('the Artifact Hub repository metadata in a chart OCI repository', () => {
  let registry: RunningRegistry;
  let client: RegistryClient;
  beforeAll(async () => {
    registry = await startRegistry();
    client = new RegistryClient({
      registry: registry.host,
      plainHttp: true,
      logger: memoryLogger(),
    });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  it('is the artifacthub.io tag with an empty config and one layer holding artifacthub-repo.yml; a second push writes nothing', async () => {
    const yml = 'repositoryID: 5c2d6ef8-5a8b-4a3f-9d9d-6f2d1f3b1a10\nowners:\n- email: charts@acme.example\n  name: Acme\n';
    const first = await pushArtifactHubMetadata(client, 'charts/web-app', yml);
    expect(first.status).toBe('pushed');
    const manifest = (await skopeoRawManifest(`${registry.host}/charts/web-app:${ARTIFACTHUB_TAG}`)) as unknown as {
      config: { mediaType: string; size: number };
      layers: {
        mediaType: string;
        digest: string;
        annotations: Record<string, string>;
      }[];
    };
    expect(manifest.config).toMatchObject({
      mediaType: ARTIFACTHUB_CONFIG,
      size: 0,
      digest: sha256Digest(''),
    });
    expect(manifest.layers).toEqual([
      {
        mediaType: ARTIFACTHUB_METADATA_LAYER,
        digest: sha256Digest(yml),
        size: Buffer.byteLength(yml),
        annotations: {
          'org.opencontainers.image.title': 'artifacthub-repo.yml',
        },
      },
    ]);
    expect((await client.getBlob('charts/web-app', manifest.layers[0]!.digest)).toString()).toBe(yml);
    expect(await pushArtifactHubMetadata(client, 'charts/web-app', yml)).toEqual({ digest: first.digest, status: 'exists' });
  });
});
