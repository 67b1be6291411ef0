import { sha256Digest } from './digest.ts';
import { HELM_CHART_LAYER, HELM_CONFIG, HELM_PROVENANCE_LAYER } from './media-types.ts';
import type { Descriptor } from './registry.ts';
import type { ChartYaml } from './chart-archive.ts';

// The layout helm writes (helm pkg/registry: Client.Push, generateOCIAnnotations; chart Metadata JSON tags):
// config = JSON of the chart metadata, layers = chart (+ provenance) sorted by digest, no top-level mediaType,
// OCI annotations from Chart.yaml. Encoded as Go's encoding/json does, so the bytes match helm's.

/** The blobs and manifest bytes of a chart as helm pushes it. */
export interface HelmArtifact {
  config: { bytes: Buffer; descriptor: Descriptor };
  chart: Descriptor;
  provenance?: Descriptor;
  manifest: Buffer;
}

/** Builds helm's config blob and manifest for a chart archive; `created` is the `.tgz` mtime, as helm uses. */
export function helmArtifact(chart: ChartYaml, tgz: Buffer, created: Date, provenance?: Buffer): HelmArtifact {
  const configBytes = Buffer.from(goJson(chartMetadata(chart)));
  const config = { mediaType: HELM_CONFIG, digest: sha256Digest(configBytes), size: configBytes.length };
  const chartLayer = { mediaType: HELM_CHART_LAYER, digest: sha256Digest(tgz), size: tgz.length };
  const provLayer = provenance ? { mediaType: HELM_PROVENANCE_LAYER, digest: sha256Digest(provenance), size: provenance.length } : undefined;
  const layers = [chartLayer, ...(provLayer ? [provLayer] : [])].sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
  const manifest = { schemaVersion: 2, config, layers, annotations: sortKeys(helmAnnotations(chart, goRfc3339(created))) };
  return {
    config: { bytes: configBytes, descriptor: config },
    chart: chartLayer,
    ...(provLayer ? { provenance: provLayer } : {}),
    manifest: Buffer.from(goJson(manifest)),
  };
}

/** The manifest annotations helm derives from Chart.yaml (chart annotations may not override title or version). */
export function helmAnnotations(chart: ChartYaml, created: string): Record<string, string> {
  const meta = chartMetadata(chart);
  const out: Record<string, string> = {};
  const add = (key: string, value: unknown) => {
    if (typeof value === 'string' && value.trim() !== '') out[key] = value;
  };
  add('org.opencontainers.image.description', meta.description);
  add('org.opencontainers.image.title', meta.name);
  add('org.opencontainers.image.version', meta.version);
  add('org.opencontainers.image.url', meta.home);
  add('org.opencontainers.image.created', created);
  add('org.opencontainers.image.source', (meta.sources as string[] | undefined)?.[0]);
  const maintainers = meta.maintainers as { name?: string; email?: string }[] | undefined;
  if (maintainers?.length) {
    add('org.opencontainers.image.authors', maintainers.map((m) => `${m.name ?? ''}${m.email ? ` (${m.email})` : ''}`).join(', '));
  }
  for (const [key, value] of Object.entries((meta.annotations as Record<string, string> | undefined) ?? {})) {
    if (key !== 'org.opencontainers.image.version' && key !== 'org.opencontainers.image.title') out[key] = value;
  }
  return out;
}

/** Chart.yaml as helm's `chart.Metadata` marshals it: Go field order, empty fields omitted, strings sanitised. */
export function chartMetadata(chart: ChartYaml): Record<string, unknown> {
  const s = (v: unknown) => (typeof v === 'string' ? sanitize(v) : undefined);
  const list = (v: unknown) => (Array.isArray(v) && v.length ? v.map((x) => (typeof x === 'string' ? sanitize(x) : x)) : undefined);
  const maintainers = Array.isArray(chart.maintainers)
    ? (chart.maintainers as Record<string, unknown>[]).map((m) => omitEmpty({ name: s(m?.name), email: s(m?.email), url: s(m?.url) }))
    : undefined;
  const dependencies = Array.isArray(chart.dependencies)
    ? (chart.dependencies as Record<string, unknown>[]).map((d) => ({
        name: s(d.name) ?? '',
        ...omitEmpty({ version: s(d.version) }),
        repository: s(d.repository) ?? '',
        ...omitEmpty({
          condition: s(d.condition),
          tags: list(d.tags),
          enabled: d.enabled === 'true' ? true : undefined,
          'import-values': list(d['import-values']),
          alias: d.alias,
        }),
      }))
    : undefined;
  return omitEmpty({
    name: s(chart.name),
    home: s(chart.home),
    sources: list(chart.sources),
    version: chart.version,
    description: s(chart.description),
    keywords: list(chart.keywords),
    maintainers: maintainers?.length ? maintainers : undefined,
    icon: s(chart.icon),
    apiVersion: chart.apiVersion,
    condition: s(chart.condition),
    tags: s(chart.tags),
    appVersion: s(chart.appVersion),
    deprecated: chart.deprecated === 'true' ? true : undefined,
    annotations:
      chart.annotations && typeof chart.annotations === 'object' && Object.keys(chart.annotations).length
        ? sortKeys(chart.annotations as Record<string, string>)
        : undefined,
    kubeVersion: s(chart.kubeVersion),
    dependencies: dependencies?.length ? dependencies : undefined,
    type: chart.type,
  });
}

/** RFC 3339 the way Go's time.Format(time.RFC3339) writes local time: `Z` for UTC, else `+hh:mm`. */
export function goRfc3339(date: Date): string {
  const offset = -date.getTimezoneOffset();
  const local = new Date(Math.floor(date.getTime() / 1000) * 1000 + offset * 60_000).toISOString().slice(0, 19);
  if (offset === 0) return `${local}Z`;
  const abs = Math.abs(offset);
  return `${local}${offset > 0 ? '+' : '-'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** JSON as Go's encoding/json writes it: compact, with `<`, `>`, `&`, U+2028 and U+2029 escaped. */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

// Go's unicode.IsSpace -> ' ', drops what unicode.IsPrint rejects (control and format characters)
function sanitize(value: string): string {
  return value.replace(/\s/g, ' ').replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]/gu, '');
}

function omitEmpty<T extends Record<string, unknown>>(object: T): Partial<T> {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined && v !== '' && v !== false)) as Partial<T>;
}

function sortKeys(object: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
