import { describe, expect, it } from 'vitest';
import { parsePromotionRecords, renderPromotionSection, type PromotionRecord } from './promotion-notes.ts';

const record = (channel: string, version: string, at: string): PromotionRecord => ({
  kind: 'promote',
  chart: 'web-app',
  channel,
  version,
  digest: `sha256:${'a'.repeat(64)}`,
  at,
});

describe('promotion notes', () => {
  it('shows each channel once, at its newest move, and every move in the history', () => {
    const records = [
      record('stable', '0.3.0', '2026-12-02T10:00:00Z'),
      record('stable', '0.2.0', '2026-12-01T10:00:00Z'),
      record('beta', '0.3.0', '2026-11-30T10:00:00Z'),
    ];
    const section = renderPromotionSection(records, 'oci://ghcr.io/acme/charts/web-app');
    expect(section.match(/^\| `stable` \| 0\.3\.0 \|/gm)).toHaveLength(1);
    expect(section).toContain('helm install web-app oci://ghcr.io/acme/charts/web-app --version 0.3.0');
    expect(section.match(/^\| 2026-/gm)).toHaveLength(3);
  });

  it('reads back the records of one chart kept in a release body, and none from a body without them', () => {
    const records = [record('stable', '0.3.0', '2026-12-02T10:00:00Z'), { ...record('stable', '1.0.0', '2026-12-02T10:00:00Z'), chart: 'api' }];
    const body = `notes\n<!-- chart-release:promotion-records ${JSON.stringify(records)} -->`;
    expect(parsePromotionRecords(body, 'web-app')).toEqual([records[0]]);
    expect(parsePromotionRecords('notes', 'web-app')).toEqual([]);
  });
});
