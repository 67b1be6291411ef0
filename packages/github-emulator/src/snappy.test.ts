import { describe, expect, it } from 'vitest';
import { snappyLiterals } from './snappy.ts';

/** A reader for literal-only snappy blocks, enough to check the writer. */
function readLiterals(block: Buffer): Buffer {
  let offset = 0;
  let length = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = block[offset++]!;
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
  }
  const out: Buffer[] = [];
  while (offset < block.length) {
    const tag = block[offset++]!;
    expect(tag & 3).toBe(0);
    let n = tag >> 2;
    if (n === 60) n = block[offset++]!;
    else if (n === 61) n = block[offset++]! | (block[offset++]! << 8);
    out.push(block.subarray(offset, offset + n + 1));
    offset += n + 1;
  }
  const data = Buffer.concat(out);
  expect(data.length).toBe(length);
  return data;
}

describe('snappyLiterals', () => {
  it('writes the literal-only block snappy decoders read', () => {
    expect(snappyLiterals(Buffer.from('hello')).toString('hex')).toBe('051068656c6c6f');
    for (const size of [0, 59, 60, 200, 256, 65536, 70000]) {
      const data = Buffer.alloc(size, 7);
      expect(readLiterals(snappyLiterals(data))).toEqual(data);
    }
  });
});
