import { readFile, utimes, writeFile } from 'node:fs/promises';
import { gunzipSync, gzipSync } from 'node:zlib';

const BLOCK = 512;

/**
 * Rewrites a chart archive so that the same chart content always gives the same bytes: every tar entry's mtime is
 * set to `mtime` (PAX time records dropped), the archive is re-gzipped without a timestamp, and the file's own mtime
 * (which helm stamps into the OCI manifest's `created` annotation) is set to `mtime` too. helm itself stamps the
 * packaging time into both, so without this a re-run after a failure packages a different digest for the same chart.
 */
export async function makeArchiveReproducible(path: string, mtime: Date): Promise<void> {
  const tar = gunzipSync(await readFile(path));
  await writeFile(path, gzipSync(normalizeTar(tar, Math.floor(mtime.getTime() / 1000)), { level: 9 }));
  await utimes(path, mtime, mtime);
}

/**
 * A copy of a ustar/PAX tar stream with every entry's mtime set to `epochSeconds`, and the subcharts' entries in
 * name order: helm writes a chart's own files in a fixed order but its subcharts in whatever order it loaded them
 * (a Go map), so a chart with two dependencies would otherwise package to different bytes from run to run.
 */
export function normalizeTar(tar: Buffer, epochSeconds: number): Buffer {
  const entries: { key: string; blocks: Buffer[] }[] = [];
  let pending: Buffer[] = []; // PAX headers belong to the entry after them
  let paxPath: string | undefined;
  let offset = 0;
  while (offset + BLOCK <= tar.length) {
    const header = Buffer.from(tar.subarray(offset, offset + BLOCK));
    if (header.every((b) => b === 0)) break; // end-of-archive marker
    const size = parseOctal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156]!);
    const blocks = Math.ceil(size / BLOCK);
    let data = Buffer.from(tar.subarray(offset + BLOCK, offset + BLOCK + blocks * BLOCK));
    if (type === 'x' || type === 'g') {
      const records = Buffer.from(dropPaxTimes(data.subarray(0, size)));
      if (type === 'x') paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(records.toString('utf8'))?.[1];
      writeOctal(header, 124, 12, records.length);
      data = Buffer.concat([records, Buffer.alloc((BLOCK - (records.length % BLOCK)) % BLOCK)]);
    }
    writeOctal(header, 136, 12, epochSeconds);
    writeChecksum(header);
    pending.push(header, data);
    if (type !== 'x' && type !== 'g') {
      entries.push({ key: subchartKey(paxPath ?? entryName(header)), blocks: pending });
      pending = [];
      paxPath = undefined;
    }
    offset += BLOCK + blocks * BLOCK;
  }
  // stable: the chart's own files first, as helm wrote them, then each subchart's files together, by subchart
  const ordered = entries.map((e, i) => ({ ...e, i })).sort((a, b) => (a.key === b.key ? a.i - b.i : a.key < b.key ? -1 : 1));
  return Buffer.concat([...ordered.flatMap((e) => e.blocks), ...pending, Buffer.alloc(BLOCK * 2)]);
}

// `web/charts/redis/charts/common/Chart.yaml` -> `redis/common`; a file of the chart itself -> ''
function subchartKey(path: string): string {
  return [...path.matchAll(/\/charts\/([^/]+)(?=\/)/g)].map((m) => m[1]).join('/');
}

function entryName(header: Buffer): string {
  const field = (start: number, length: number) =>
    header
      .subarray(start, start + length)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  const prefix = header.subarray(257, 262).toString('ascii') === 'ustar' ? field(345, 155) : '';
  return prefix ? `${prefix}/${field(0, 100)}` : field(0, 100);
}

function parseOctal(field: Buffer): number {
  const text = field.toString('ascii').replace(/\0.*$/s, '').trim();
  return text ? parseInt(text, 8) : 0;
}

function writeOctal(header: Buffer, start: number, length: number, value: number): void {
  header.write(`${value.toString(8).padStart(length - 1, '0')}\0`, start, length, 'ascii');
}

function writeChecksum(header: Buffer): void {
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
}

/** PAX records are `<length> key=value\n` (length in bytes, itself included); keeps all but the time records. */
function dropPaxTimes(records: Buffer): Buffer {
  const kept: Buffer[] = [];
  let offset = 0;
  while (offset < records.length) {
    const space = records.indexOf(0x20, offset);
    const length = Number(records.subarray(offset, space).toString('ascii'));
    if (space < 0 || !Number.isInteger(length) || length <= 0) break;
    const record = records.subarray(offset, offset + length);
    const key = record.subarray(space - offset + 1, record.indexOf(0x3d)).toString('utf8');
    if (!['mtime', 'atime', 'ctime'].includes(key)) kept.push(record);
    offset += length;
  }
  return Buffer.concat(kept);
}
