import { ReleaseError } from '@chart-release/core';
import { parse } from 'yaml';
import { renderYamlBlock, type YamlValue } from './helm-yaml.ts';

/** The repository metadata Artifact Hub reads (https://artifacthub.io/docs/topics/repositories/#verified-publisher). */
export interface ArtifactHubRepository {
  /** The repository ID Artifact Hub shows in the control panel (a UUID): makes the publisher verified. */
  repositoryID?: string;
  /** Who may claim the repository's ownership. */
  owners?: { name?: string; email: string }[];
}

/** `artifacthub-repo.yml` for the root of the Pages branch (and the layer of the OCI `artifacthub.io` artifact). */
export function renderArtifactHubRepo(repo: ArtifactHubRepository): string {
  const value: { [key: string]: YamlValue } = {};
  if (repo.repositoryID) value.repositoryID = repo.repositoryID;
  if (repo.owners?.length)
    value.owners = repo.owners.map((o) => ({
      ...(o.name ? { name: o.name } : {}),
      email: o.email,
    }));
  return renderYamlBlock(value, 0);
}

/** Where the repository metadata goes on the Pages branch. */
export const ARTIFACTHUB_REPO_FILE = 'artifacthub-repo.yml';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CHANGE_KINDS = ['added', 'changed', 'deprecated', 'removed', 'fixed', 'security'];
const CATEGORIES = [
  'ai-machine-learning',
  'database',
  'integration-delivery',
  'monitoring-logging',
  'networking',
  'security',
  'storage',
  'streaming-messaging',
];
const BOOLEANS = ['artifacthub.io/containsSecurityUpdates', 'artifacthub.io/prerelease', 'artifacthub.io/operator'];

/** Problems with the Artifact Hub settings themselves (a repository ID that is not a UUID, an owner without email). */
export function checkArtifactHubRepository(repo: ArtifactHubRepository, file: string): ReleaseError[] {
  const problems: ReleaseError[] = [];
  if (repo.repositoryID !== undefined && !UUID.test(repo.repositoryID)) {
    problems.push(
      new ReleaseError('ARTIFACTHUB_CONFIG_INVALID', `artifactHub.repositoryID '${repo.repositoryID}' is not a UUID.`, {
        file,
        hint: "copy the repository ID from the repository's page in the Artifact Hub control panel.",
      }),
    );
  }
  for (const [i, o] of (repo.owners ?? []).entries()) {
    if (!/^[^@\s]+@[^@\s]+$/.test(o.email ?? '')) {
      problems.push(
        new ReleaseError('ARTIFACTHUB_CONFIG_INVALID', `artifactHub.owners[${i}] has no valid email.`, {
          file,
          hint: 'each owner needs the email of their Artifact Hub account.',
        }),
      );
    }
  }
  return problems;
}

const isUrl = (v: unknown) => typeof v === 'string' && /^https?:\/\/\S+$/.test(v);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// each rule returns what is wrong with the parsed value, or nothing
const RULES: Record<string, (v: unknown) => string | undefined> = {
  'artifacthub.io/changes': (v) => {
    if (!Array.isArray(v)) return 'expected a YAML list of changes (strings, or objects with kind and description)';
    for (const [i, c] of v.entries()) {
      if (typeof c === 'string') continue;
      if (!isObject(c)) return `item ${i + 1} is neither a string nor an object`;
      if (typeof c.description !== 'string' || !c.description) return `item ${i + 1} has no description`;
      if (c.kind !== undefined && !CHANGE_KINDS.includes(String(c.kind)))
        return `item ${i + 1} has kind '${String(c.kind)}', not one of ${CHANGE_KINDS.join(', ')}`;
      if (c.links !== undefined && (!Array.isArray(c.links) || c.links.some((l) => !isObject(l) || !l.name || !isUrl(l.url))))
        return `item ${i + 1} has links that are not a list of name and url`;
    }
    return undefined;
  },
  'artifacthub.io/images': (v) => {
    if (!Array.isArray(v)) return 'expected a YAML list of objects with name and image';
    const bad = v.findIndex(
      (i) => !isObject(i) || typeof i.image !== 'string' || !i.image || (i.whitelisted !== undefined && typeof i.whitelisted !== 'boolean'),
    );
    return bad >= 0 ? `item ${bad + 1} has no image (or whitelisted is not true/false)` : undefined;
  },
  'artifacthub.io/links': (v) => {
    if (!Array.isArray(v)) return 'expected a YAML list of objects with name and url';
    const bad = v.findIndex((l) => !isObject(l) || typeof l.name !== 'string' || !isUrl(l.url));
    return bad >= 0 ? `item ${bad + 1} needs a name and an http(s) url` : undefined;
  },
  'artifacthub.io/signKey': (v) => {
    if (!isObject(v)) return 'expected a YAML object with fingerprint and url';
    if (typeof v.fingerprint !== 'string' || !/^[0-9A-Fa-f]{40}$/.test(v.fingerprint.replace(/\s/g, '')))
      return 'fingerprint is not a 40-hex-digit key fingerprint';
    return isUrl(v.url) ? undefined : 'url is not an http(s) URL of the public key';
  },
  'artifacthub.io/maintainers': (v) =>
    Array.isArray(v) && v.every((m) => isObject(m) && typeof m.name === 'string' && typeof m.email === 'string')
      ? undefined
      : 'expected a YAML list of objects with name and email',
  'artifacthub.io/recommendations': (v) =>
    Array.isArray(v) && v.every((r) => isObject(r) && isUrl(r.url)) ? undefined : 'expected a YAML list of objects with a url',
  'artifacthub.io/screenshots': (v) =>
    Array.isArray(v) && v.every((s) => isObject(s) && isUrl(s.url)) ? undefined : 'expected a YAML list of objects with title and url',
  'artifacthub.io/crds': (v) =>
    Array.isArray(v) && v.every((c) => isObject(c) && typeof c.kind === 'string' && typeof c.version === 'string')
      ? undefined
      : 'expected a YAML list of objects with kind and version',
  'artifacthub.io/crdsExamples': (v) => (Array.isArray(v) && v.every(isObject) ? undefined : 'expected a YAML list of example objects'),
  'artifacthub.io/category': (v) => (CATEGORIES.includes(String(v)) ? undefined : `expected one of ${CATEGORIES.join(', ')}`),
};

/**
 * Every `artifacthub.io/*` annotation of a chart checked the way Artifact Hub reads it (YAML inside the string):
 * changes, images, links, signKey and the rest, so a bad annotation fails before publishing instead of at indexing.
 */
export function checkArtifactHubAnnotations(chart: string, annotations: Record<string, string>, file: string): ReleaseError[] {
  const problems: ReleaseError[] = [];
  for (const [name, raw] of Object.entries(annotations)) {
    if (!name.startsWith('artifacthub.io/')) continue;
    let why: string | undefined;
    if (BOOLEANS.includes(name)) why = raw === 'true' || raw === 'false' ? undefined : `expected "true" or "false", not '${raw}'`;
    else if (RULES[name]) {
      let value: unknown;
      try {
        value = name === 'artifacthub.io/category' ? raw : parse(raw);
      } catch (error) {
        why = `it is not YAML (${(error as Error).message.split('\n')[0]})`;
      }
      why ??= RULES[name](value);
    }
    if (why) {
      problems.push(
        new ReleaseError('ARTIFACTHUB_ANNOTATION_INVALID', `annotation ${name} is not valid: ${why}.`, {
          chart,
          file,
          hint: 'see https://artifacthub.io/docs/topics/annotations/helm/ for its format.',
        }),
      );
    }
  }
  return problems;
}
