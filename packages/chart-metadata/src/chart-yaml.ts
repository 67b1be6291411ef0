import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReleaseError } from '@chart-release/core';
import { parse as parseSemver } from 'semver';
import { isMap, isScalar, parseDocument, YAMLError } from 'yaml';
import { readPlainYaml } from './yaml-fast-path.ts';

/** One entry of a chart's `dependencies` (https://helm.sh/docs/topics/charts/#the-chartyaml-file). */
export interface ChartDependency {
  name: string;
  version?: string;
  /** `file://../lib`, `oci://ghcr.io/acme/charts`, `https://...`, `@alias`, or empty. */
  repository?: string;
  alias?: string;
  condition?: string;
  tags?: string[];
}

/** The fields of a Chart.yaml that release tooling uses, typed and checked. */
export interface ChartMetadata {
  apiVersion: 'v1' | 'v2';
  name: string;
  /** Strict SemVer 2 (`1.2.3`, `1.2.3-rc.1`); also the OCI tag and part of the release tag. */
  version: string;
  type: 'application' | 'library';
  appVersion?: string;
  description?: string;
  kubeVersion?: string;
  home?: string;
  icon?: string;
  deprecated?: boolean;
  keywords: string[];
  sources: string[];
  maintainers: { name: string; email?: string; url?: string }[];
  annotations: Record<string, string>;
  dependencies: ChartDependency[];
}

// Helm's own rule for chart names (helm/pkg/chart Metadata.Validate): no path separators, no whitespace.
const CHART_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * Parses the text of a Chart.yaml. `file` is the path shown in errors. Throws `CHART_YAML_INVALID` (not YAML, not a
 * mapping, a missing or wrong-typed field) or `VERSION_INVALID` (a version that is not strict SemVer 2).
 */
export function parseChartYaml(content: string, file: string): ChartMetadata {
  const plain = readPlainYaml(content);
  if (plain) {
    try {
      return toMetadata(plain, file, () => undefined);
    } catch {
      // parse again below, with the full parser, to name the line
    }
  }
  const doc = parseDocument(content, { prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const offset = yamlError instanceof YAMLError ? yamlError.pos[0] : undefined;
    const line = offset === undefined ? undefined : content.slice(0, offset).split('\n').length;
    throw new ReleaseError('CHART_YAML_INVALID', `is not valid YAML: ${yamlError.message.split('\n')[0]}`, {
      file,
      line,
      hint: 'fix the YAML syntax (indentation, quotes, duplicate keys).',
    });
  }
  if (!isMap(doc.contents)) {
    throw new ReleaseError('CHART_YAML_INVALID', 'must be a YAML mapping of fields (apiVersion, name, version, ...).', {
      file,
      hint: 'see https://helm.sh/docs/topics/charts/#the-chartyaml-file.',
    });
  }
  const contents = doc.contents;
  const lineOf = (key: string): number | undefined => {
    const pair = contents.items.find((p) => isScalar(p.key) && p.key.value === key);
    const offset = pair && isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    return offset === undefined ? undefined : content.slice(0, offset).split('\n').length;
  };
  return toMetadata(doc.toJS() as Record<string, unknown>, file, lineOf);
}

/** Checks and types the fields of a parsed Chart.yaml; `lineOf` tells where a top-level key is, when known. */
function toMetadata(raw: Record<string, unknown>, file: string, lineOf: (key: string) => number | undefined): ChartMetadata {
  const fail = (message: string, hint: string, line?: number) => new ReleaseError('CHART_YAML_INVALID', message, { file, line, hint });

  const str = (key: string, required: boolean): string | undefined => {
    const value = raw[key];
    if (value === undefined || value === null) {
      if (required) throw fail(`has no '${key}'.`, `add '${key}:' to the chart's Chart.yaml.`);
      return undefined;
    }
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw fail(`'${key}' must be a string, not ${Array.isArray(value) ? 'a list' : typeof value}.`, `write '${key}' as a plain string.`, lineOf(key));
  };

  const apiVersion = str('apiVersion', true)!;
  if (apiVersion !== 'v1' && apiVersion !== 'v2')
    throw fail(`apiVersion '${apiVersion}' is not v1 or v2.`, "use 'apiVersion: v2' (Helm 3 and later).", lineOf('apiVersion'));
  const name = str('name', true)!;
  if (!CHART_NAME.test(name))
    throw fail(`name '${name}' is not a valid chart name.`, 'use letters, digits, dots, dashes and underscores only.', lineOf('name'));

  const rawVersion = raw.version;
  if (rawVersion === undefined || rawVersion === null) throw fail("has no 'version'.", "add 'version: 0.1.0' to Chart.yaml.");
  const version = String(rawVersion);
  if (typeof rawVersion !== 'string' || !isStrictSemver(version)) {
    const quoted = typeof rawVersion === 'number' ? ` (YAML read it as the number ${version}; quote it)` : '';
    throw new ReleaseError('VERSION_INVALID', `version '${version}' of chart '${name}' is not a SemVer 2 version${quoted}.`, {
      chart: name,
      file,
      line: lineOf('version'),
      hint: "use MAJOR.MINOR.PATCH with an optional -prerelease, e.g. '1.4.0' or '2.0.0-rc.1', without a leading 'v'.",
    });
  }

  const type = str('type', false) ?? 'application';
  if (type !== 'application' && type !== 'library')
    throw fail(`type '${type}' is not 'application' or 'library'.`, "set 'type: application' or 'type: library'.", lineOf('type'));

  const list = (key: string): unknown[] => {
    const value = raw[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw fail(`'${key}' must be a list.`, `write '${key}' as a YAML list ('- ...').`, lineOf(key));
    return value;
  };
  const strings = (key: string) => list(key).map((v) => String(v));

  const dependencies = list('dependencies').map((entry, i): ChartDependency => {
    const d = entry as Record<string, unknown> | null;
    if (!d || typeof d !== 'object' || typeof d.name !== 'string' || !d.name) {
      throw fail(`dependencies[${i}] has no name.`, "give every dependency a 'name' (and a 'version' and 'repository').", lineOf('dependencies'));
    }
    const dependency: ChartDependency = { name: d.name };
    for (const key of DEPENDENCY_FIELDS) if (d[key] !== undefined && d[key] !== null) dependency[key] = String(d[key]);
    if (Array.isArray(d.tags)) dependency.tags = d.tags.map(String);
    return dependency;
  });

  const maintainers = list('maintainers').map((m) => {
    const o = (m ?? {}) as Record<string, unknown>;
    const maintainer: ChartMetadata['maintainers'][number] = { name: String(o.name ?? '') };
    if (o.email) maintainer.email = String(o.email);
    if (o.url) maintainer.url = String(o.url);
    return maintainer;
  });
  const rawAnnotations = raw.annotations;
  const annotations: Record<string, string> = {};
  if (rawAnnotations && typeof rawAnnotations === 'object' && !Array.isArray(rawAnnotations)) {
    for (const [k, v] of Object.entries(rawAnnotations)) annotations[k] = String(v);
  }

  // built field by field, in this order (a run reads hundreds of these: no intermediate objects)
  const metadata: ChartMetadata = { apiVersion, name, version, type } as ChartMetadata;
  for (const key of OPTIONAL_FIELDS) {
    const value = str(key, false);
    if (value !== undefined) metadata[key] = value;
  }
  if (raw.deprecated === true) metadata.deprecated = true;
  metadata.keywords = strings('keywords');
  metadata.sources = strings('sources');
  metadata.maintainers = maintainers;
  metadata.annotations = annotations;
  metadata.dependencies = dependencies;
  return metadata;
}

const DEPENDENCY_FIELDS = ['version', 'repository', 'alias', 'condition'] as const;
const OPTIONAL_FIELDS = ['appVersion', 'description', 'kubeVersion', 'home', 'icon'] as const;

/** Reads and parses `<dir>/Chart.yaml` from the file system (see `parseChartYaml` for the errors). */
export async function readChartYaml(dir: string): Promise<ChartMetadata> {
  const file = join(dir, 'Chart.yaml');
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new ReleaseError('CHART_YAML_MISSING', `no Chart.yaml in ${dir}.`, { file, hint: 'point at a chart folder (the one holding Chart.yaml).' });
    }
    throw error;
  }
  return parseChartYaml(content, file);
}

// SemVer 2 as written: no leading `v` or spaces; build metadata (`+build.7`) kept, which semver's `valid` drops
function isStrictSemver(version: string): boolean {
  const parsed = parseSemver(version);
  return parsed !== null && version === `${parsed.version}${parsed.build.length ? `+${parsed.build.join('.')}` : ''}`;
}
