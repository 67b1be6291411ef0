import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

/** What a generated chart looks like. */
export interface ChartSpec {
  name: string;
  version: string;
  appVersion?: string;
  type?: 'application' | 'library';
  description?: string;
  /** Dependencies; a `repository` of `file://../<name>` points at a sibling chart. */
  dependencies?: { name: string; version: string; repository: string }[];
  /** Extra `values.yaml` content. */
  values?: Record<string, unknown>;
  /** Adds CHANGELOG.md (with a section for `version`), README.md and LICENSE. */
  docs?: boolean;
}

/** The files of a small, lint-clean chart for `spec`, as path -> content. */
export function chartFiles(spec: ChartSpec): Record<string, string> {
  const chart: Record<string, unknown> = {
    apiVersion: 'v2',
    name: spec.name,
    description: spec.description ?? `The ${spec.name} chart`,
    type: spec.type ?? 'application',
    version: spec.version,
  };
  if (spec.type !== 'library') chart.appVersion = spec.appVersion ?? '1.0.0';
  if (spec.dependencies?.length) chart.dependencies = spec.dependencies;
  const files: Record<string, string> = { 'Chart.yaml': stringify(chart) };
  if (spec.type === 'library') {
    files['templates/_helpers.tpl'] = `{{- define "${spec.name}.labels" -}}\napp.kubernetes.io/name: {{ .Chart.Name }}\n{{- end -}}\n`;
  } else {
    files['values.yaml'] = stringify({ replicaCount: 1, ...(spec.values ?? {}) });
    files['templates/configmap.yaml'] =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-config\ndata:\n  replicas: {{ .Values.replicaCount | quote }}\n';
  }
  if (spec.docs) {
    files['CHANGELOG.md'] = `# Changelog\n\n## [${spec.version}] - 2026-01-01\n\n### Added\n\n- ${spec.name} ${spec.version}.\n`;
    files['README.md'] = `# ${spec.name}\n\n${chart.description as string}\n`;
    files['LICENSE'] = 'Apache License 2.0\n';
  }
  return files;
}

/** Writes a generated chart into `dir` (the chart's own folder). */
export async function writeChart(dir: string, spec: ChartSpec): Promise<void> {
  for (const [path, content] of Object.entries(chartFiles(spec))) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/** The folder of this repository's example charts (`charts/` at the workspace root). */
export function exampleChartsDir(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '../../../charts');
}
