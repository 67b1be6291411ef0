import { ReleaseError } from '@chart-release/core';

/** The default limit of a chart package: ten times what a large chart with its dependencies usually needs. */
export const DEFAULT_MAX_PACKAGE_SIZE = 10 * 1024 * 1024;

const UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, KIB: 1024, MIB: 1024 ** 2, GIB: 1024 ** 3 };

/** Bytes of a size written as a number of bytes or `<n><unit>` (`512KiB`, `10MB`, `1.5GiB`); undefined when unreadable. */
export function parseSize(input: number | string): number | undefined {
  if (typeof input === 'number') return Number.isInteger(input) && input >= 0 ? input : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMG]i?B|B)?\s*$/i.exec(input);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNITS[(m[2] ?? 'B').toUpperCase()]!);
}

/** `12.3 MiB`, for messages. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** A package larger than `limit` bytes (0: no limit) is a preflight error naming both sizes and the setting. */
export function checkPackageSize(chart: { name: string; path: string }, size: number, limit: number): ReleaseError | undefined {
  if (!limit || size <= limit) return undefined;
  return new ReleaseError('PACKAGE_TOO_LARGE', `the package of ${chart.name} is ${formatSize(size)}, over the limit of ${formatSize(limit)}.`, {
    chart: chart.name,
    file: chart.path,
    hint: `leave large files out of the package (list them in ${chart.path}/.helmignore), or raise maxPackageSize in .chart-release.yaml if the chart really needs them.`,
    details: { size, limit },
  });
}
