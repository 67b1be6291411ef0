import { ReleaseError } from '@chart-release/core';
import type { ReleasedChart } from './types.ts';

/** `name@version[@sha256:<hex>]`, comma-separated. */
export function parseChartList(text: string): ReleasedChart[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)@([^@\s]+)(?:@(sha256:[a-f0-9]{64}))?$/.exec(item);
      if (!match)
        throw new ReleaseError('USAGE', `--charts entry ${JSON.stringify(item)} is not name@version[@sha256:<digest>].`, {
          hint: 'e.g. --charts web-app@1.2.3,common@0.4.0',
        });
      return { name: match[1]!, version: match[2]!, tag: `${match[1]}-v${match[2]}`, ociDigest: match[3] ?? null };
    });
}
