import { renderYamlSequenceItem, type YamlValue } from './helm-yaml.ts';

/** One released chart version for the Helm repository index. */
export interface IndexEntryInput {
  /** The packaged chart's Chart.yaml, as read from the `.tgz` (scalars as their text, like oci's `readChartArchive`). */
  chartYaml: Record<string, unknown>;
  /** sha256 of the `.tgz`, hex (a `sha256:` prefix is dropped). */
  digest: string;
  /** Where the `.tgz` is downloaded from: the release asset's `browser_download_url`. */
  url: string;
  /** When the entry was added; `helm repo index` uses the time it runs. */
  created: Date;
}

type Entry = { [key: string]: YamlValue };

// helm's sanitizeString (pkg/chart/metadata.go): every space character becomes ' ', unprintable ones go
function sanitize(value: string): string {
  return [...value].map((c) => (/\s/u.test(c) || /[\p{Zs}\u0085]/u.test(c) ? ' ' : /[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(c) ? c : '')).join('');
}

const text = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const truthy = (v: unknown): boolean => v === true || (typeof v === 'string' && /^(true|True|TRUE|y|Y|yes|Yes|YES|on|On|ON)$/.test(v));

// encoding/json's omitempty, field by field, as helm's Metadata and Dependency structs declare it
function put(out: Entry, key: string, value: YamlValue | undefined, omitEmpty = true): void {
  if (value === undefined) return;
  if (
    omitEmpty &&
    (value === '' || value === false || (Array.isArray(value) && !value.length) || (value && typeof value === 'object' && !Object.keys(value).length))
  )
    return;
  out[key] = value;
}

function anyValue(v: unknown): YamlValue {
  if (Array.isArray(v)) return v.map(anyValue);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, anyValue(x)]));
  return v === undefined ? null : (v as YamlValue);
}

function dependency(d: Record<string, unknown>): Entry {
  const out: Entry = {};
  put(out, 'name', sanitize(text(d.name)), false);
  put(out, 'version', sanitize(text(d.version)));
  put(out, 'repository', sanitize(text(d.repository)), false);
  put(out, 'condition', sanitize(text(d.condition)));
  put(
    out,
    'tags',
    list(d.tags).map((t) => sanitize(text(t))),
  );
  put(out, 'enabled', truthy(d.enabled));
  put(out, 'import-values', list(d['import-values']).map(anyValue));
  put(out, 'export-values', list(d['export-values']).map(anyValue));
  put(out, 'alias', text(d.alias));
  return out;
}

/**
 * The index entry `helm repo index` writes for a packaged chart: the chart's metadata (helm's Metadata fields,
 * sanitized as helm does), `created`, `digest` and `urls`, as a value for `renderIndexEntry`.
 */
export function helmIndexEntry(input: IndexEntryInput): Entry {
  const c = input.chartYaml;
  const out: Entry = {};
  put(out, 'name', sanitize(text(c.name)));
  put(out, 'home', sanitize(text(c.home)));
  put(
    out,
    'sources',
    list(c.sources).map((s) => sanitize(text(s))),
  );
  put(out, 'version', text(c.version));
  put(out, 'description', sanitize(text(c.description)));
  put(
    out,
    'keywords',
    list(c.keywords).map((k) => sanitize(text(k))),
  );
  put(
    out,
    'maintainers',
    list(c.maintainers).map((m) => {
      const r = (m ?? {}) as Record<string, unknown>;
      const mo: Entry = {};
      put(mo, 'name', sanitize(text(r.name)));
      put(mo, 'email', sanitize(text(r.email)));
      put(mo, 'url', sanitize(text(r.url)));
      return mo;
    }),
  );
  put(out, 'icon', sanitize(text(c.icon)));
  put(out, 'apiVersion', text(c.apiVersion) || 'v1');
  put(out, 'condition', sanitize(text(c.condition)));
  put(out, 'tags', sanitize(text(c.tags)));
  put(out, 'appVersion', sanitize(text(c.appVersion)));
  put(out, 'deprecated', truthy(c.deprecated));
  const annotations = c.annotations && typeof c.annotations === 'object' ? (c.annotations as Record<string, unknown>) : {};
  put(out, 'annotations', Object.fromEntries(Object.entries(annotations).map(([k, v]) => [k, text(v)])));
  put(out, 'kubeVersion', sanitize(text(c.kubeVersion)));
  put(
    out,
    'dependencies',
    list(c.dependencies).map((d) => dependency((d ?? {}) as Record<string, unknown>)),
  );
  put(out, 'type', text(c.type));
  out.urls = [input.url];
  out.created = goTime(input.created);
  put(out, 'digest', input.digest.replace(/^sha256:/, ''));
  return out;
}

/** The entry as the lines of one item of its chart's version list, the `-` at column `indent` (helm: 2). */
export function renderIndexEntry(entry: Entry, indent = 2): string {
  return renderYamlSequenceItem(entry, indent);
}

/** A time as Go's encoding/json writes it (RFC 3339, fraction without trailing zeros, UTC as `Z`). */
export function goTime(date: Date): string {
  return date.toISOString().replace(/\.(\d*?)0*Z$/, (_m, fraction: string) => (fraction ? `.${fraction}Z` : 'Z'));
}
