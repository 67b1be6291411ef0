import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { ReleaseError, silentLogger, type Logger } from '@chart-release/core';
import type { RegistryCredentials } from './auth.ts';
import { chartArchiveFiles, differingFiles, readChartArchive } from './chart-archive.ts';
import { sha256Digest } from './digest.ts';
import { classifyHelmFailure, helmPush, type HelmPushFlags, type HelmRunner } from './helm-cli.ts';
import { helmArtifact } from './helm-manifest.ts';
import { HELM_CHART_LAYER, HELM_LEGACY_CHART_LAYER, OCI_MANIFEST } from './media-types.ts';
import { chartTag, formatOciReference, parseOciReference } from './reference.ts';
import type { Manifest, RegistryClient } from './registry.ts';

/** Where a chart goes and whether it is already there (the decision `pushChart` acts on; `--dry-run` prints it). */
export interface PushPlan {
  chart: string;
  version: string;
  tgz: string;
  registry: string;
  repository: string;
  tag: string;
  /** `oci://host/repository:tag`. */
  ref: string;
  /** sha256 of the local `.tgz`, as `sha256:<hex>`: the chart layer digest it will have. */
  layerDigest: string;
  /** `exists`: the same chart content is already under the tag (its manifest digest in `existingDigest`). */
  action: 'push' | 'exists';
  existingDigest?: string;
  /** For `exists`: the chart layer in the registry (differs from `layerDigest` when only archive timestamps differ). */
  existingLayerDigest?: string;
}

/** The outcome of pushing one chart. */
export interface PushResult {
  chart: string;
  version: string;
  ref: string;
  repository: string;
  tag: string;
  /** The manifest digest the tag resolves to (what gets signed). */
  digest: string;
  /** The chart layer digest in the registry (sha256 of the `.tgz` a `helm pull` gets). */
  layerDigest: string;
  /** False when the registry holds the same chart files in an archive with other timestamps (helm v3 re-package). */
  archiveMatches: boolean;
  status: 'pushed' | 'exists';
}

export interface PushChartInput {
  tgz: string;
  /** `oci://host/namespace`. */
  registry: string;
  client: RegistryClient;
  /** `helm` runs `helm push` (default); `native` uploads blobs and manifest with the client, in helm's layout. */
  mode?: 'helm' | 'native';
  /** For helm mode: which helm, and the flags and credentials it needs to reach the same registry. */
  helm?: HelmRunner & { flags?: HelmPushFlags; credentials?: RegistryCredentials };
  logger?: Logger;
}

/**
 * Decides what pushing `tgz` means before anything is written: the tag is free (`push`), holds the same chart
 * content (`exists`), or holds different content under the same version (`IMMUTABLE_TAG`). Chart layer digests are
 * compared, not manifest digests, since helm stamps the archive's mtime into the manifest.
 */
export async function planPush(input: Pick<PushChartInput, 'tgz' | 'registry' | 'client'>): Promise<PushPlan> {
  const target = parseOciReference(input.registry);
  if (target.tag || target.digest) {
    throw new ReleaseError('REFERENCE_INVALID', `--registry ${input.registry} must name a namespace, not a tag or digest.`, {
      hint: 'use oci://host/namespace; the chart name and version make the rest',
    });
  }
  const archive = await readChartArchive(input.tgz);
  const { name, version } = archive.chart;
  const repository = `${target.repository}/${name}`;
  const tag = chartTag(version);
  const plan = {
    chart: name,
    version,
    tgz: input.tgz,
    registry: target.registry,
    repository,
    tag,
    ref: formatOciReference({ registry: target.registry, repository, tag }),
    layerDigest: sha256Digest(archive.bytes),
  };
  const existing = await input.client.checkManifest(repository, tag);
  if (!existing) return { ...plan, action: 'push' };
  const fetched = await input.client.getManifest(repository, existing.digest);
  const remoteLayer = chartLayer(fetched.manifest)?.digest;
  const exists = { ...plan, action: 'exists' as const, existingDigest: fetched.digest, existingLayerDigest: remoteLayer };
  if (remoteLayer === plan.layerDigest) return exists;
  // helm v3 stamps the packaging time into the archive, so a re-packaged chart differs in bytes only: compare files
  let changed = ['(no chart layer)'];
  if (remoteLayer) {
    changed = differingFiles(chartArchiveFiles(await input.client.getBlob(repository, remoteLayer)), chartArchiveFiles(archive.bytes));
    if (changed.length === 0) return exists;
  }
  const shown = changed.length > 5 ? `${changed.slice(0, 5).join(', ')} and ${changed.length - 5} more` : changed.join(', ');
  throw new ReleaseError(
    'IMMUTABLE_TAG',
    `${name} ${version} is already in ${plan.ref} (manifest ${fetched.digest}, chart layer ${remoteLayer ?? 'none'}) with different content than ${input.tgz} (chart layer ${plan.layerDigest}; differs in ${shown}); a released version is never overwritten.`,
    {
      chart: name,
      file: input.tgz,
      hint: `bump \`version\` in ${name}/Chart.yaml and release again`,
      details: { ref: plan.ref, existingDigest: fetched.digest, existingLayerDigest: remoteLayer, localLayerDigest: plan.layerDigest, differingFiles: changed },
    },
  );
}

/**
 * Pushes a packaged chart once: returns `exists` with the registry's digest when the same content is already under
 * its version, fails with `IMMUTABLE_TAG` before writing when different content is, and reads every push back (tag ->
 * reported digest, chart layer == local sha256) before reporting `pushed`.
 */
export async function pushChart(input: PushChartInput): Promise<PushResult> {
  const logger = input.logger ?? silentLogger;
  const plan = await planPush(input);
  const result = { chart: plan.chart, version: plan.version, ref: plan.ref, repository: plan.repository, tag: plan.tag, layerDigest: plan.layerDigest };
  if (plan.action === 'exists') {
    logger.debug(`${plan.ref}: already there with the same content (${plan.existingDigest})`);
    const layerDigest = plan.existingLayerDigest ?? plan.layerDigest;
    return { ...result, layerDigest, archiveMatches: layerDigest === plan.layerDigest, digest: plan.existingDigest!, status: 'exists' };
  }
  logger.debug(`${plan.ref}: pushing (${input.mode ?? 'helm'})`);
  const pushed: { digest: string; manifest?: Buffer } =
    input.mode === 'native' ? await pushNative(input.client, plan) : { digest: await pushWithHelm(input, plan) };
  const digest = pushed.digest;
  await verifyPush(input.client, plan, digest, pushed.manifest);
  logger.debug(`${plan.ref}: pushed ${digest}`);
  return { ...result, digest, archiveMatches: true, status: 'pushed' };
}

async function pushNative(client: RegistryClient, plan: PushPlan): Promise<{ digest: string; manifest: Buffer }> {
  const archive = await readChartArchive(plan.tgz);
  const prov = existsSync(`${plan.tgz}.prov`) ? await readFile(`${plan.tgz}.prov`) : undefined;
  const artifact = helmArtifact(archive.chart, archive.bytes, (await stat(plan.tgz)).mtime, prov);
  await client.uploadBlob(plan.repository, artifact.config.bytes);
  await client.uploadBlob(plan.repository, plan.tgz);
  if (prov) await client.uploadBlob(plan.repository, prov);
  return { digest: await client.putManifest(plan.repository, plan.tag, artifact.manifest, OCI_MANIFEST), manifest: artifact.manifest };
}

async function pushWithHelm(input: PushChartInput, plan: PushPlan): Promise<string> {
  const target = input.registry.startsWith('oci://') ? input.registry : `oci://${input.registry}`;
  const policy = input.client.transport.retry;
  const pushed = await policy.run(
    `helm push ${plan.chart} ${plan.version}`,
    () =>
      helmPush({
        helm: input.helm,
        tgz: plan.tgz,
        target: target.replace(/\/+$/, ''),
        registry: plan.registry,
        chart: plan.chart,
        flags: input.helm?.flags ?? {},
        credentials: input.helm?.credentials,
      }),
    classifyHelmFailure,
  );
  return pushed.digest;
}

/**
 * Reads a push back: the tag resolves to the pushed digest, and the manifest under it names the local archive as its
 * chart layer. When the manifest bytes are our own (native push), the digest equality already proves the layer.
 */
async function verifyPush(client: RegistryClient, plan: PushPlan, digest: string, ownManifest?: Buffer): Promise<void> {
  const fail = (why: string) =>
    new ReleaseError('PUSH_VERIFY_FAILED', `${plan.ref}: read-back after push failed: ${why}.`, {
      chart: plan.chart,
      file: plan.tgz,
      hint: 're-run the release; a correct copy is detected and not pushed again',
      details: { ref: plan.ref, digest },
    });
  const resolved = await client.checkManifest(plan.repository, plan.tag);
  if (!resolved) throw fail('the tag does not exist');
  if (resolved.digest !== digest) throw fail(`the tag resolves to ${resolved.digest}, not the pushed ${digest}`);
  const manifest =
    ownManifest && sha256Digest(ownManifest) === digest
      ? (JSON.parse(ownManifest.toString('utf8')) as Manifest)
      : (await client.getManifest(plan.repository, digest)).manifest;
  const layer = chartLayer(manifest)?.digest;
  if (layer !== plan.layerDigest) throw fail(`the chart layer is ${layer ?? 'missing'}, not the local archive's ${plan.layerDigest}`);
}

/** The chart content layer of a helm chart manifest (current or pre-3.7 media type). */
export function chartLayer(manifest: Manifest) {
  return manifest.layers?.find((l) => l.mediaType === HELM_CHART_LAYER) ?? manifest.layers?.find((l) => l.mediaType === HELM_LEGACY_CHART_LAYER);
}
