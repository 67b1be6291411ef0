import { parse } from 'yaml';

/** One entry of a chart's `artifacthub.io/changes` annotation (https://artifacthub.io/docs/topics/annotations/helm/). */
export interface ArtifactHubChange {
  /** added, changed, deprecated, removed, fixed or security; absent in the plain string form. */
  kind?: string;
  description: string;
  links?: { name: string; url: string }[];
}

/** Where a generated CHANGELOG's entries come from. */
export type GeneratedChangelogSource =
  | { from: 'annotation'; changes: ArtifactHubChange[] }
  | { from: 'commits'; commits: { sha: string; subject: string }[]; chartPath: string; since?: string };

const KIND_HEADINGS: Record<string, string> = {
  added: 'Added',
  changed: 'Changed',
  deprecated: 'Deprecated',
  removed: 'Removed',
  fixed: 'Fixed',
  security: 'Security',
};

/**
 * The entries of an `artifacthub.io/changes` annotation, in either form Artifact Hub reads: a YAML list of strings,
 * or of objects with `kind`, `description` and `links`. Undefined when the annotation is absent, empty or not such
 * a list (checkArtifactHubAnnotations reports the last).
 */
export function parseArtifactHubChanges(raw: string | undefined): ArtifactHubChange[] | undefined {
  if (!raw?.trim()) return undefined;
  let value: unknown;
  try {
    value = parse(raw);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return undefined;
  const changes: ArtifactHubChange[] = [];
  for (const item of value) {
    if (typeof item === 'string' && item.trim()) changes.push({ description: item.trim() });
    else if (item && typeof item === 'object' && typeof (item as ArtifactHubChange).description === 'string') {
      const { kind, description, links } = item as ArtifactHubChange;
      changes.push({
        ...(kind ? { kind: String(kind) } : {}),
        description: description.trim(),
        ...(Array.isArray(links)
          ? { links: links.filter((l) => l && typeof l.url === 'string').map((l) => ({ name: String(l.name ?? l.url), url: l.url })) }
          : {}),
      });
    } else return undefined;
  }
  return changes.length ? changes : undefined;
}

/**
 * A CHANGELOG.md for a chart that has none, in Keep a Changelog form (one `## [version]` section, so
 * extractChangelogSection reads it back): the annotation's changes grouped by kind, or the commits that touched the
 * chart folder. Deterministic: the same input gives the same bytes (a re-run finds the asset it uploaded).
 */
export function renderGeneratedChangelog(chart: { name: string; version: string }, source: GeneratedChangelogSource): string {
  const lines = ['# Changelog', '', `## [${chart.version}]`, ''];
  if (source.from === 'annotation') {
    lines.push(`Generated from the \`artifacthub.io/changes\` annotation of ${chart.name}'s Chart.yaml.`, '');
    const plain = source.changes.filter((c) => !c.kind || !KIND_HEADINGS[c.kind]);
    if (plain.length) lines.push(...plain.map(entry), '');
    for (const [kind, heading] of Object.entries(KIND_HEADINGS)) {
      const of = source.changes.filter((c) => c.kind === kind);
      if (of.length) lines.push(`### ${heading}`, '', ...of.map(entry), '');
    }
  } else {
    const range = source.since ? `since ${source.since}` : 'since the chart was added';
    lines.push(`Generated from the commits that touched ${source.chartPath} ${range}.`, '');
    if (source.commits.length) lines.push(...source.commits.map((c) => `- ${c.subject.trim()} (${c.sha.slice(0, 7)})`), '');
    else lines.push('- No commit touched the chart folder.', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

function entry(change: ArtifactHubChange): string {
  const links = change.links?.length ? ` (${change.links.map((l) => `[${l.name}](${l.url})`).join(', ')})` : '';
  return `- ${change.description.replace(/\s*\n\s*/g, ' ')}${links}`;
}
