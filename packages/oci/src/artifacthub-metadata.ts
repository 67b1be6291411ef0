import { sha256Digest } from './digest.ts';
import { OCI_MANIFEST } from './media-types.ts';
import type { RegistryClient } from './registry.ts';

// https://artifacthub.io/docs/topics/repositories/helm-charts/#oci-support: Artifact Hub reads the repository
// metadata of an OCI chart repository from the tag `artifacthub.io`, an artifact with an empty config of this media
// type and one layer holding artifacthub-repo.yml (what `oras push <repo>:artifacthub.io --config
// /dev/null:application/vnd.cncf.artifacthub.config.v1+yaml artifacthub-repo.yml:<layer type>` makes)
export const ARTIFACTHUB_TAG = 'artifacthub.io';
export const ARTIFACTHUB_CONFIG = 'application/vnd.cncf.artifacthub.config.v1+yaml';
export const ARTIFACTHUB_METADATA_LAYER = 'application/vnd.cncf.artifacthub.repository-metadata.layer.v1.yaml';

/** The `artifacthub.io` manifest for the text of an `artifacthub-repo.yml`. */
export function artifactHubMetadataManifest(content: string): {
  bytes: Buffer;
  layer: Buffer;
} {
  const layer = Buffer.from(content, 'utf8');
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: {
      mediaType: ARTIFACTHUB_CONFIG,
      digest: sha256Digest(''),
      size: 0,
    },
    layers: [
      {
        mediaType: ARTIFACTHUB_METADATA_LAYER,
        digest: sha256Digest(layer),
        size: layer.length,
        annotations: {
          'org.opencontainers.image.title': 'artifacthub-repo.yml',
        },
      },
    ],
  };
  return { bytes: Buffer.from(JSON.stringify(manifest)), layer };
}

/**
 * Pushes the Artifact Hub repository metadata to `repository` (a chart's OCI repository) as the `artifacthub.io`
 * tag; nothing is written when the tag already holds the same file.
 */
export async function pushArtifactHubMetadata(
  client: RegistryClient,
  repository: string,
  content: string,
): Promise<{ digest: string; status: 'pushed' | 'exists' }> {
  const { bytes, layer } = artifactHubMetadataManifest(content);
  const current = await client.checkManifest(repository, ARTIFACTHUB_TAG);
  if (current?.digest === sha256Digest(bytes)) return { digest: current.digest, status: 'exists' };
  await client.uploadBlob(repository, Buffer.alloc(0));
  await client.uploadBlob(repository, layer);
  return {
    digest: await client.putManifest(repository, ARTIFACTHUB_TAG, bytes, OCI_MANIFEST),
    status: 'pushed',
  };
}
