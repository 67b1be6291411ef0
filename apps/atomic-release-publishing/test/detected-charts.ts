import type { DetectedChart } from '../src/plan.ts';

/** A chart change detection found: modified, its values changed, to release. */
export const detectedChart = (name: string, version: string): DetectedChart => ({
  name,
  version,
  path: `charts/${name}`,
  status: 'modified',
  changedFiles: [`charts/${name}/values.yaml`],
  triggeredBy: [],
  type: 'application',
  release: true,
});

/** A made-up manifest digest that names its chart (`sha256:` and the name's bytes in hex, padded). */
export const digestOf = (name: string) => `sha256:${Buffer.from(name).toString('hex').padEnd(64, '0').slice(0, 64)}`;
