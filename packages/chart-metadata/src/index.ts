export { parseChartYaml, readChartYaml } from './chart-yaml.ts';
export type { ChartMetadata, ChartDependency } from './chart-yaml.ts';
export { DEFAULT_TAG_TEMPLATE, releaseTag, releaseTagGlob, releaseTitle, isPrerelease } from './release-tag.ts';
export type { ChartIdentity } from './release-tag.ts';
