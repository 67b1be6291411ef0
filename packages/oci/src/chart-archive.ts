import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { ReleaseError } from '@chart-release/core';
import { parse } from 'yaml';

/** `Chart.yaml` as read from a packaged chart; every scalar kept as the text written (YAML failsafe schema). */
export type ChartYaml = Record<string, unknown> & { name: string; version: string };

/** A packaged chart: the archive bytes and its `Chart.yaml`. */
export interface ChartArchive {
  bytes: Buffer;
  chart: ChartYaml;
}

/** Reads a helm chart archive (`.tgz`) and its top-level `<name>/Chart.yaml`. */
export async function readChartArchive(path: string): Promise<ChartArchive> {
  return parseChartArchive(await readFile(path), path);
}

/** A helm chart archive's bytes and its `Chart.yaml`; `file` names the archive in errors. */
export function parseChartArchive(bytes: Buffer, file: string): ChartArchive {
  const path = file;
  const fail = (why: string) =>
    new ReleaseError('CHART_ARCHIVE_INVALID', `${path} is not a helm chart archive: ${why}.`, {
      file: path,
      hint: "package the chart with 'helm package' (or pass the chart folder)",
    });
  let tar: Buffer;
  try {
    tar = gunzipSync(bytes);
  } catch {
    throw fail('it is not gzip-compressed');
  }
  const text = findChartYaml(tar);
  if (text === undefined) throw fail('it holds no <chart>/Chart.yaml');
  let chart: ChartYaml;
  try {
    chart = parse(text, { schema: 'failsafe' }) as ChartYaml;
  } catch (error) {
    throw fail(`its Chart.yaml is not valid YAML (${(error as Error).message})`);
  }
  if (!chart || typeof chart.name !== 'string' || typeof chart.version !== 'string') throw fail('its Chart.yaml has no name or version');
  return { bytes, chart };
}

/** The regular files of a chart archive as path -> sha256 (hex): its content, whatever the archive's timestamps. */
export function chartArchiveFiles(tgz: Buffer): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of tarEntries(gunzipSync(tgz))) files.set(entry.name, createHash('sha256').update(entry.data).digest('hex'));
  return files;
}

/** Paths whose content differs between two archives' file maps (added, removed or changed), sorted. */
export function differingFiles(a: Map<string, string>, b: Map<string, string>): string[] {
  const names = new Set([...a.keys(), ...b.keys()]);
  return [...names].filter((name) => a.get(name) !== b.get(name)).sort();
}

function findChartYaml(tar: Buffer): string | undefined {
  for (const entry of tarEntries(tar)) if (/^[^/]+\/Chart\.yaml$/.test(entry.name)) return entry.data.toString('utf8');
  return undefined;
}

// ustar reader, just enough for charts: 512-byte headers, pax `path` records and GNU long names; regular files only
function* tarEntries(tar: Buffer): Generator<{ name: string; data: Buffer }> {
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return;
    const size = parseInt(field(header, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156]!);
    const prefix = field(header, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
    longName = undefined;
    const data = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1];
    else if (type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
    else if (type === '0' || type === '\0') yield { name, data };
  }
}

function field(header: Buffer, start: number, length: number): string {
  const raw = header.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}
