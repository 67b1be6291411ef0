import type { ChangelogSection } from './changelog.ts';
import { DEFAULT_RELEASE_NOTES_TEMPLATE } from './default-template.ts';
import { renderTemplate, type TemplateView } from './template.ts';

/** GitHub refuses release bodies longer than this. */
export const RELEASE_BODY_LIMIT = 125_000;

export type SigningMode = 'keyless' | 'key' | 'none';

/** How the chart was signed, and what a user passes to cosign to check it. */
export interface SigningInfo {
  mode: SigningMode;
  /** Keyless: the exact certificate identity (the release workflow, `https://github.com/o/r/.github/workflows/x.yaml@refs/heads/release`). */
  certificateIdentity?: string;
  /** Keyless: an identity regexp, used when no exact identity is given (default: any workflow of the repository). */
  certificateIdentityRegexp?: string;
  /** Keyless: the OIDC issuer (default GitHub Actions', `https://token.actions.githubusercontent.com`). */
  certificateOidcIssuer?: string;
  /** Key mode: where users find the public key (a path or URL; default `cosign.pub`). */
  publicKey?: string;
}

/** A short account of the checks and attestations that vouched for the chart before it merged. */
export interface LineageSummary {
  pullRequest?: { number: number; url: string; title?: string; approvedBy?: string[] };
  attestations?: { stage: string; predicateType?: string; url?: string }[];
  /** The lineage JSON's release asset name. */
  asset?: string;
  /** A line shown instead of the pull request, e.g. why there is none. */
  note?: string;
}

export interface ReleaseNotesInput {
  /** `type` from Chart.yaml: a `library` chart gets a dependency snippet instead of `helm install`. */
  chart: { name: string; version: string; appVersion?: string; description?: string; type?: 'application' | 'library' | string };
  /** The OCI namespace the chart was pushed to, with or without `oci://` (`ghcr.io/acme/charts`). */
  registry: string;
  /** The chart's manifest digest in the registry (`sha256:...`). */
  digest: string;
  /** `owner/name` of the GitHub repository. */
  repository: string;
  /** The chart's CHANGELOG section for this version (see `extractChangelogSection`). */
  changelog?: ChangelogSection | null;
  /** Fallback when there is no CHANGELOG section: commits that touched the chart since its previous tag. */
  commits?: { sha: string; subject: string }[];
  lineage?: LineageSummary | null;
  signing: SigningInfo;
  /** Name of the package asset and of its Sigstore bundle asset, for the blob verification command. */
  packageAsset?: string;
  bundleAsset?: string;
  /** Include `gh attestation verify` (default: when signed). */
  githubAttestations?: boolean;
  /** GitHub web URL (GitHub Enterprise Server); default `https://github.com`. */
  serverUrl?: string;
  /** A user template (see the README for its names); the default template otherwise. */
  template?: string;
  /** Where the user template came from, for error messages. */
  templateFile?: string;
}

export const GITHUB_ACTIONS_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

/** The release notes of one chart, from the user's template or the default one. */
export function renderReleaseNotes(input: ReleaseNotesInput): string {
  const view = releaseNotesView(input);
  const template = input.template ?? DEFAULT_RELEASE_NOTES_TEMPLATE;
  let notes = renderTemplate(template, view, input.templateFile);
  if (notes.length > RELEASE_BODY_LIMIT && typeof view.changes === 'string') {
    // keep the commands and digest; shorten the changes, which are also attached as CHANGELOG.md
    const excess = notes.length - RELEASE_BODY_LIMIT + 200;
    view.changes = `${view.changes.slice(0, Math.max(0, view.changes.length - excess))}\n\n… (shortened to fit GitHub's limit; see CHANGELOG.md)`;
    notes = renderTemplate(template, view, input.templateFile);
  }
  return notes;
}

/** Every name a notes template can use, with its value for `input`. */
export function releaseNotesView(input: ReleaseNotesInput): TemplateView {
  const { chart, signing } = input;
  const registry = input.registry.replace(/^oci:\/\//, '').replace(/\/+$/, '');
  const ociReference = `oci://${registry}/${chart.name}`;
  const digestReference = `${registry}/${chart.name}@${input.digest}`;
  const signed = signing.mode !== 'none';
  const fromChangelog = Boolean(input.changelog?.body);
  const commits = input.commits ?? [];
  const changes = fromChangelog ? input.changelog!.body : commits.map((c) => `- ${c.subject.trim()} (${c.sha.slice(0, 7)})`).join('\n');
  const identity = identityFlags(input);
  const library = chart.type === 'library';
  return {
    chart: chart.name,
    version: chart.version,
    appVersion: chart.appVersion ?? '',
    description: chart.description?.trim() ?? '',
    repository: input.repository,
    registry,
    ociReference,
    digest: input.digest,
    digestReference,
    // helm refuses to install a library chart: it is only ever a dependency of another chart
    installCommand: library ? '' : `helm install ${chart.name} ${ociReference} --version ${chart.version}`,
    library,
    dependencySnippet: library ? dependencySnippet(chart.name, chart.version, `oci://${registry}`) : '',
    changes,
    changesFromChangelog: fromChangelog,
    changesFromCommits: !fromChangelog && commits.length > 0,
    changelogDate: input.changelog?.date ?? '',
    signed,
    unsigned: !signed,
    signingMode: signing.mode,
    cosignVerifyCommand: signed ? shellJoin(['cosign', 'verify', digestReference, ...identity]) : '',
    cosignVerifyBlobCommand:
      signed && input.bundleAsset && input.packageAsset
        ? shellJoin(['cosign', 'verify-blob', input.packageAsset, '--bundle', input.bundleAsset, ...identity])
        : '',
    attestationVerifyCommand:
      (input.githubAttestations ?? signed) ? shellJoin(['gh', 'attestation', 'verify', `oci://${digestReference}`, '--repo', input.repository]) : '',
    lineage: input.lineage ? renderLineage(input.lineage) : '',
  };
}

/** The `dependencies:` entry of a Chart.yaml that uses the chart from its OCI repository. */
function dependencySnippet(name: string, version: string, repository: string): string {
  const quote = (value: string) => (/^[\w./:@+-]+$/.test(value) && !/^[\d.]+$/.test(value) ? value : JSON.stringify(value));
  return ['dependencies:', `  - name: ${quote(name)}`, `    version: ${quote(version)}`, `    repository: ${quote(repository)}`].join('\n');
}

function identityFlags(input: ReleaseNotesInput): string[] {
  const { signing } = input;
  if (signing.mode === 'key') return ['--key', signing.publicKey ?? 'cosign.pub'];
  const server = (input.serverUrl ?? 'https://github.com').replace(/\/+$/, '');
  const identity = signing.certificateIdentity
    ? ['--certificate-identity', signing.certificateIdentity]
    : ['--certificate-identity-regexp', signing.certificateIdentityRegexp ?? `^${escapeRegExp(`${server}/${input.repository}/.github/workflows/`)}`];
  return [...identity, '--certificate-oidc-issuer', signing.certificateOidcIssuer ?? GITHUB_ACTIONS_OIDC_ISSUER];
}

function renderLineage(lineage: LineageSummary): string {
  const lines: string[] = [];
  const pr = lineage.pullRequest;
  if (pr) {
    const approved = pr.approvedBy?.length ? `, approved by ${pr.approvedBy.map((u) => `@${u}`).join(', ')}` : ', with no approving review';
    lines.push(`Merged in [#${pr.number}${pr.title ? ` ${cell(pr.title)}` : ''}](${pr.url})${approved}.`);
  }
  if (lineage.note) lines.push(lineage.note);
  if (lineage.attestations?.length) {
    lines.push('', '| Stage | Predicate type | Attestation |', '|---|---|---|');
    for (const a of lineage.attestations) {
      lines.push(`| ${cell(a.stage)} | ${a.predicateType ? `\`${cell(a.predicateType)}\`` : ''} | ${a.url ? `[link](${a.url})` : ''} |`);
    }
  } else {
    lines.push('', 'No attestations were recorded before the merge.');
  }
  if (lineage.asset) lines.push('', `The full lineage is attached as \`${lineage.asset}\`.`);
  return lines.join('\n').trim();
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Joins argv into a command a POSIX shell reads back as the same words. */
export function shellJoin(argv: string[]): string {
  return argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}
