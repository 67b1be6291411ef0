export { detectChangedCharts, DEFAULT_CHART_DIRS, DEFAULT_TARGET_BRANCH } from './detect.ts';
export type { ChangedChartsResult, ChartChange, DetectOptions } from './types.ts';
export type { BaseSource } from './range.ts';
export { readEventRange } from './range.ts';
export { checkVersionBumps } from './version-gate.ts';
export { formatChangedChartsTable, writeActionsOutputs, chartsToRelease } from './output.ts';
export { createIgnoreMatcher } from './ignore.ts';
export { parseNameStatus } from './name-status.ts';
export type { FileChange } from './name-status.ts';
