import { describe, expect, it } from 'vitest';
import { checkPackageSize, DEFAULT_MAX_PACKAGE_SIZE, formatSize, parseSize } from './package-size.ts';

describe('package size limit', () => {
  it('reads sizes in bytes, decimal and binary units', () => {
    expect(parseSize(2048)).toBe(2048);
    expect(parseSize('512KiB')).toBe(524_288);
    expect(parseSize('10MB')).toBe(10_000_000);
    expect(parseSize('1.5 gib')).toBe(1_610_612_736);
    expect(parseSize('0')).toBe(0);
    expect(parseSize('ten megs')).toBeUndefined();
    expect(parseSize(-1)).toBeUndefined();
  });

  it('refuses a package over the limit, naming both sizes, and allows one at or under it', () => {
    const chart = { name: 'big', path: 'charts/big' };
    expect(checkPackageSize(chart, DEFAULT_MAX_PACKAGE_SIZE, DEFAULT_MAX_PACKAGE_SIZE)).toBeUndefined();
    const error = checkPackageSize(chart, 50 * 1024 * 1024, DEFAULT_MAX_PACKAGE_SIZE)!;
    expect(error.toJSON()).toMatchObject({ code: 'PACKAGE_TOO_LARGE', chart: 'big', file: 'charts/big', details: { size: 52_428_800, limit: 10_485_760 } });
    expect(error.message).toBe('the package of big is 50.0 MiB, over the limit of 10.0 MiB.');
    expect(error.hint).toContain('charts/big/.helmignore');
  });

  it('has no limit at 0', () => {
    expect(checkPackageSize({ name: 'big', path: 'charts/big' }, 5e9, 0)).toBeUndefined();
    expect(formatSize(1023)).toBe('1023 B');
  });
});
