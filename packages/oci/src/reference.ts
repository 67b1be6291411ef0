import { ReleaseError } from '@chart-release/core';

/** A parsed `oci://host[:port]/namespace/name[:tag][@digest]` reference. */
export interface OciReference {
  /** `host[:port]`, e.g. `ghcr.io` or `127.0.0.1:5000`. */
  registry: string;
  /** The repository path below the host, e.g. `my-org/charts/web-app`. */
  repository: string;
  tag?: string;
  digest?: string;
}

// https://github.com/opencontainers/distribution-spec/blob/main/spec.md#pulling-manifests
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9a-fA-F:]+\])(?::[0-9]{1,5})?$/;

/** The OCI tag helm uses for a chart version: OCI tags cannot hold `+`, so `1.0.0+build` becomes `1.0.0_build`. */
export function chartTag(version: string): string {
  const tag = version.replaceAll('+', '_');
  if (!TAG.test(tag)) {
    throw new ReleaseError('REFERENCE_INVALID', `chart version '${version}' does not make a valid OCI tag ('${tag}').`, {
      hint: 'use a SemVer 2 version in Chart.yaml (letters, digits, ".", "-", "+"; at most 128 characters)',
    });
  }
  return tag;
}

/**
 * Parses `oci://host/namespace/name:tag@digest` (the `oci://` prefix is optional). A `+` in the tag becomes `_`,
 * as helm does. Throws `REFERENCE_INVALID` naming the part that is wrong.
 */
export function parseOciReference(ref: string): OciReference {
  const invalid = (why: string) =>
    new ReleaseError('REFERENCE_INVALID', `'${ref}' is not a valid OCI reference: ${why}.`, {
      hint: 'write it as oci://host[:port]/namespace/name[:tag][@sha256:<hex>]',
    });
  let rest = ref.trim();
  if (rest.includes('://')) {
    if (!rest.startsWith('oci://')) throw invalid('the scheme must be oci://');
    rest = rest.slice('oci://'.length);
  }
  rest = rest.replace(/\/+$/, '');
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(`'${digest}' is not a digest`);
    if (digest.startsWith('sha256:') && !SHA256.test(digest)) throw invalid(`'${digest}' is not a sha256 digest`);
  }
  const slash = rest.indexOf('/');
  if (slash <= 0) throw invalid('it needs a host and a repository');
  const registry = rest.slice(0, slash);
  let repository = rest.slice(slash + 1);
  if (!HOST.test(registry)) throw invalid(`'${registry}' is not a host[:port]`);
  let tag: string | undefined;
  const lastSlash = repository.lastIndexOf('/');
  const colon = repository.indexOf(':', lastSlash + 1);
  if (colon >= 0) {
    tag = repository.slice(colon + 1).replaceAll('+', '_');
    repository = repository.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(`'${tag}' is not a valid tag`);
  }
  for (const component of repository.split('/')) {
    if (!COMPONENT.test(component)) throw invalid(`'${component}' is not a valid repository path component (lowercase letters, digits, '.', '_', '-')`);
  }
  return { registry, repository, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/** Formats a reference as `oci://host/repository[:tag][@digest]`. */
export function formatOciReference(ref: OciReference): string {
  return `oci://${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** True for a `sha256:<64 hex>` digest (used to tell a tag from a digest in a manifest reference). */
export function isDigest(reference: string): boolean {
  return DIGEST.test(reference) && reference.includes(':');
}
