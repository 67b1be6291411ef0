/** The folder charts are looked for in when none is given. */
export const DEFAULT_CHART_DIRS = ['charts'];
/** The branch a new branch or a force push is compared with (merge-base). */
export const DEFAULT_TARGET_BRANCH = 'main';
