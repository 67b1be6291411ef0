// Constants only, importing nothing: a CLI's `--help` prints them without loading the YAML and SemVer parsers
// (the `@chart-release/chart-metadata/defaults` entry).

/** The chart-releaser-compatible default: `web-app-v1.2.3`. */
export const DEFAULT_TAG_TEMPLATE = '{name}-v{version}';
