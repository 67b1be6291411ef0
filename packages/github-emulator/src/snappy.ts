/**
 * Snappy's block format with literals only (valid snappy, no compression), as GitHub stores attestation bundles:
 * `gh attestation` fetches `bundle_url` and snappy-decodes it. https://github.com/google/snappy/blob/main/format_description.txt
 */
export function snappyLiterals(data: Buffer): Buffer {
  const parts: Buffer[] = [varint(data.length)];
  // one literal element holds at most 2^32 bytes; 64 KiB chunks keep the tag to three bytes
  for (let offset = 0; offset < data.length; offset += 65536) {
    const chunk = data.subarray(offset, offset + 65536);
    const n = chunk.length - 1;
    if (n < 60) parts.push(Buffer.from([n << 2]));
    else if (n < 256) parts.push(Buffer.from([60 << 2, n]));
    else parts.push(Buffer.from([61 << 2, n & 0xff, n >> 8]));
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}
