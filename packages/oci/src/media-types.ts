// https://github.com/opencontainers/image-spec/blob/main/media-types.md and helm's pkg/registry/constants.go
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
/** What GET/HEAD of a manifest must accept; distribution answers 404 for OCI manifests without it. */
export const MANIFEST_ACCEPT = [OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST].join(', ');

export const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
export const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
export const HELM_PROVENANCE_LAYER = 'application/vnd.cncf.helm.chart.provenance.v1.prov';
/** The chart layer media type of charts pushed by helm before 3.7. */
export const HELM_LEGACY_CHART_LAYER = 'application/tar+gzip';
export const OCTET_STREAM = 'application/octet-stream';
