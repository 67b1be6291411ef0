import { ReleaseError } from '@chart-release/core';
import { parse as parseSemver } from 'semver';
import { DEFAULT_TAG_TEMPLATE } from './defaults.ts';

export { DEFAULT_TAG_TEMPLATE };

export interface ChartIdentity {
  name: string;
  version: string;
}

// `{name}`/`{version}`, plus chart-releaser's Go-template spelling so an existing `--release-name-template` keeps working
const PLACEHOLDER = /\{\{\s*\.(Name|Version)\s*\}\}|\{(name|version)\}/g;

/**
 * The git tag of a chart's release, from a template with `{name}` and `{version}` (default `{name}-v{version}`);
 * chart-releaser's `{{ .Name }}`/`{{ .Version }}` are accepted too. The result must be a valid git tag name.
 */
export function releaseTag(template: string = DEFAULT_TAG_TEMPLATE, chart: ChartIdentity): string {
  const found = new Set([...template.matchAll(PLACEHOLDER)].map((m) => (m[1] ?? m[2])!.toLowerCase()));
  for (const [placeholder, what] of [
    ['name', 'every chart'],
    ['version', 'every version'],
  ] as const) {
    if (!found.has(placeholder)) {
      throw new ReleaseError('TAG_TEMPLATE_INVALID', `tag template '${template}' does not contain {${placeholder}}, so ${what} would get the same tag.`, {
        chart: chart.name,
        hint: "use a template with both placeholders, for example '{name}-v{version}'.",
      });
    }
  }
  const tag = template.replace(PLACEHOLDER, (_m, goName: string | undefined, name: string | undefined) =>
    (goName ?? name)!.toLowerCase() === 'name' ? chart.name : chart.version,
  );
  const leftover = /\{[^}]*\}/.exec(tag);
  if (leftover) {
    throw new ReleaseError('TAG_TEMPLATE_INVALID', `tag template '${template}' has an unknown placeholder ${leftover[0]}.`, {
      chart: chart.name,
      hint: 'only {name} and {version} are available.',
    });
  }
  const problem = gitRefProblem(tag);
  if (problem) {
    throw new ReleaseError('TAG_INVALID', `tag '${tag}' (from template '${template}') is not a valid git tag: ${problem}.`, {
      chart: chart.name,
      hint: 'change the tag template or the chart name.',
    });
  }
  return tag;
}

/** The release title GitHub shows: `web-app: v1.2.3`. */
export function releaseTitle(chart: ChartIdentity): string {
  return `${chart.name}: v${chart.version}`;
}

/** True for a semver prerelease (`1.2.0-rc.1`); build metadata alone (`1.2.0+build.5`) is not a prerelease. */
export function isPrerelease(version: string): boolean {
  const parsed = parseSemver(version);
  if (!parsed) {
    throw new ReleaseError('VERSION_INVALID', `version '${version}' is not valid semver.`, { hint: 'use a version like 1.2.3 or 1.2.3-rc.1 in Chart.yaml.' });
  }
  return parsed.prerelease.length > 0;
}

// the rules of `git check-ref-format` that a tag can break
function gitRefProblem(tag: string): string | undefined {
  if (tag.length === 0) return 'it is empty';
  if ([...tag].some((c) => c.charCodeAt(0) <= 0x20 || c.charCodeAt(0) === 0x7f) || /[~^:?*[\\]/.test(tag))
    return 'it contains a space, a control character or one of ~ ^ : ? * [ \\';
  if (tag.includes('..')) return "it contains '..'";
  if (tag.includes('@{')) return "it contains '@{'";
  if (tag === '@') return "it is '@'";
  if (tag.startsWith('-') || tag.startsWith('/') || tag.endsWith('/') || tag.includes('//')) return 'it starts with - or /, ends with /, or has //';
  if (tag.endsWith('.') || tag.endsWith('.lock') || tag.split('/').some((part) => part.startsWith('.')))
    return "a component starts with '.' or it ends with '.' or '.lock'";
  return undefined;
}

/** A `git tag --list` glob matching every version's tag of one chart (`web-app-v*`), or of every chart without a name. */
export function releaseTagGlob(template: string = DEFAULT_TAG_TEMPLATE, name = '*'): string {
  return template.replace(PLACEHOLDER, (_m, goName: string | undefined, key: string | undefined) => ((goName ?? key)!.toLowerCase() === 'name' ? name : '*'));
}
