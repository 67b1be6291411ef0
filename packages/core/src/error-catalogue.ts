/** What a code means and what the user does about it: one line each. */
export interface ErrorCodeEntry {
  meaning: string;
  fix: string;
}

/**
 * Every code a chart-release package throws, returns or reports as a warning. Codes are `SUBJECT_PROBLEM`
 * (`CONFIG_INVALID`, not `INVALID_CONFIG`) and stable: scripts match on them. A new code goes here first; the
 * catalogue test fails on a code used anywhere in the repository that is not listed, and on one listed but unused.
 */
export const ERROR_CATALOGUE = {
  // the command line and configuration
  USAGE: { meaning: 'a flag or argument is unknown, missing or malformed', fix: 'run the command with --help and correct the flag' },
  CONFIG_INVALID: { meaning: 'a configuration file or value is missing, unreadable or outside its schema', fix: 'correct the named file, field or flag' },
  EVENT_INVALID: { meaning: 'the GitHub event file cannot be read as JSON', fix: 'pass --base and --head, or run inside the workflow that wrote the event' },
  REPOSITORY_INVALID: { meaning: 'a GitHub repository is not given as owner/name', fix: 'pass --repo owner/name or set GITHUB_REPOSITORY' },
  INTERNAL: { meaning: 'an unexpected failure, a bug in chart-release', fix: 'report it with the output; nothing about the input is known to be wrong' },
  STEP_FAILED: { meaning: 'a publish step failed for a reason without a code of its own', fix: 're-run the job; finished steps are not repeated' },
  PREFLIGHT_CHECK_FAILED: { meaning: 'a preflight check could not run to the end', fix: 're-run; if it persists, report it' },
  PREFLIGHT_FAILED: { meaning: 'several problems were found together; each is listed with its own code', fix: 'fix every listed problem, then re-run' },
  PUBLISH_FAILED: { meaning: 'some drafts of the run could not be published', fix: 're-run: drafts already published stay, the rest are published' },
  PUBLISH_INCOMPLETE: {
    meaning: 'some releases of the run are public and others still drafts after every retry',
    fix: 're-run the job: it publishes the remaining drafts and repeats nothing else',
  },

  // a matrix run: one leg per chart (publish --phase prepare), then finalize
  CHART_NOT_PLANNED: { meaning: 'a --chart names a chart this push does not release', fix: "pass a chart of the plan's matrix output" },
  LEG_MISSING: { meaning: 'finalize found no leg result for a planned chart', fix: "run the chart's leg again (Re-run failed jobs), then finalize" },
  LEG_FAILED: { meaning: "a chart's matrix leg failed; the error names its own code", fix: "fix that problem, run the chart's leg again, then finalize" },
  LEG_RESULT_INVALID: {
    meaning: 'a leg result is unreadable, outside its schema, missing its files, or of another plan or run',
    fix: "hand finalize this run's leg artifacts whole, or run the leg again",
  },
  LEG_RESULT_MISMATCH: { meaning: 'what a leg result names is not in the registry (digest)', fix: "run the chart's leg again, then finalize" },

  // git and change detection
  NOT_A_GIT_REPOSITORY: { meaning: 'the folder is not inside a git work tree', fix: 'run in a clone of the chart repository (--cwd)' },
  REVISION_NOT_FOUND: {
    meaning: 'a base or head revision is not a commit in the clone',
    fix: 'fetch the history (fetch-depth: 0) or pass an existing --base/--head',
  },
  GIT_FAILED: { meaning: 'a git command failed', fix: 'read the git message; git 2.36 or later is needed' },
  VERSION_NOT_BUMPED: { meaning: 'a changed chart kept the version of its last release', fix: 'bump version in the Chart.yaml' },
  VERSION_INVALID: { meaning: 'a chart version is not semver', fix: 'set version in the Chart.yaml to MAJOR.MINOR.PATCH' },
  DEPENDENCY_FOLDER_GONE: { meaning: 'a file:// dependency points at a folder this push removes', fix: 'point the dependency elsewhere or keep the folder' },

  // charts, helm and packages
  CHART_YAML_MISSING: { meaning: 'a chart folder has no Chart.yaml', fix: 'add a Chart.yaml or remove the folder from chartDirs' },
  CHART_YAML_INVALID: { meaning: 'a Chart.yaml is not valid YAML or lacks required fields', fix: 'correct the named field in the Chart.yaml' },
  CHART_ARCHIVE_INVALID: { meaning: 'a file is not a helm chart archive', fix: "package the chart with 'helm package' (or pass the chart folder)" },
  CHART_LINT_FAILED: {
    meaning: 'helm lint reported errors for a chart, with one of its ci/*-values.yaml or with its default values',
    fix: "run the 'helm lint --values ...' the hint names and fix the template line it reports; add ci/<name>-values.yaml for required values, or set lint: warn",
  },
  CHART_CHECK_FAILED: { meaning: 'a chart in the registry does not show or render with helm', fix: 'fix the chart and publish a new version' },
  NOT_A_CHART: { meaning: 'a registry artifact has no helm chart layer', fix: 'point at a chart pushed by helm or chart-release' },
  HELM_NOT_FOUND: { meaning: 'the helm binary cannot be run', fix: 'install helm v3 or v4, or pass --helm <path> (HELM_BINARY)' },
  HELM_PACKAGE_FAILED: { meaning: 'helm package failed', fix: "run 'helm lint' on the chart and fix what it reports" },
  DEPENDENCY_UNREACHABLE: {
    meaning: "a chart dependency's repository (chart repository or registry) cannot be reached",
    fix: "check the dependency's `repository:` URL in Chart.yaml and that the repository answers from the runner",
  },
  DEPENDENCY_NOT_FOUND: {
    meaning: 'a chart dependency (name and version) is not in its repository, or its file:// folder holds no matching chart',
    fix: "fix the dependency's name, version or repository in Chart.yaml (or run `helm dependency update` and commit Chart.lock)",
  },
  DEPENDENCY_UNAUTHORIZED: {
    meaning: "a chart dependency's repository refused the run's credentials (or asked for some and got none)",
    fix: 'add the repository under `dependencies.repositories` in .chart-release.yaml with `username` and `passwordEnv`, and set that variable in the workflow',
  },
  DEPENDENCY_LOCK_STALE: {
    meaning: "a chart's Chart.lock does not match its Chart.yaml dependencies (one missing, or a locked version the constraint no longer allows)",
    fix: 'run `helm dependency update` in the chart folder and commit the new Chart.lock',
  },
  DEPENDENCY_UNSUPPORTED: {
    meaning: "a chart dependency's repository is a name from the user's own helm repositories (`@name`, `alias:name`), which the run does not read",
    fix: "write the repository's URL (https://... or oci://...) in Chart.yaml",
  },
  HELM_PUSH_FAILED: { meaning: 'helm push failed', fix: 'read the helm message; check the registry address and credentials' },

  DUPLICATE_CHART_NAME: { meaning: 'two chart folders hold charts of one name (one registry repository, tag and package)', fix: 'rename one chart' },
  PACKAGE_TOO_LARGE: { meaning: 'a chart package exceeds maxPackageSize', fix: 'shrink the chart (.helmignore) or raise maxPackageSize' },

  // OCI registries
  REFERENCE_INVALID: { meaning: 'an OCI reference or registry address is malformed', fix: 'use oci://host/path in lower case, with a tag or sha256 digest' },
  DIGEST_INVALID: { meaning: 'a digest is not sha256:<64 lowercase hex>', fix: 'pass the manifest digest the push reported' },
  TAG_INVALID: { meaning: 'a tag is not a valid OCI or git tag', fix: 'use letters, digits, ".", "_" and "-" (128 at most, not starting with "." or "-")' },
  REGISTRY_UNREACHABLE: { meaning: 'no connection to the registry (DNS, TLS or refused)', fix: 'check the host, --plain-http and the TLS options' },
  REGISTRY_UNAVAILABLE: { meaning: 'the registry kept failing with retryable errors', fix: 're-run later; finished charts are not pushed again' },
  REGISTRY_AUTH_FAILED: {
    meaning: 'the registry refused the credentials or the access',
    fix: 'log in (--username/--password-stdin or the environment) with push rights',
  },
  REGISTRY_REQUEST_REJECTED: {
    meaning: 'the registry rejected a request for good (a 4xx it will not take back)',
    fix: 'read the registry message; check the reference and the registry settings',
  },
  REGISTRY_PROTOCOL: { meaning: 'the registry answered outside the OCI distribution spec', fix: 'check that the address is an OCI registry' },
  CREDENTIAL_HELPER_FAILED: {
    meaning: 'a docker credential helper named in the config is missing or failed',
    fix: 'install the helper or remove it from the docker config',
  },
  MANIFEST_NOT_FOUND: { meaning: 'an OCI manifest (tag or digest) does not exist', fix: 'check the reference; push the chart first' },
  IMMUTABLE_TAG: { meaning: 'a version tag already points at other content and never moves', fix: 'bump the chart version' },
  PUSH_VERIFY_FAILED: {
    meaning: 'what the registry returned after a push differs from what was pushed',
    fix: 're-run; if it persists, the registry alters content',
  },
  DELETE_NOT_ALLOWED: { meaning: 'the registry does not allow deleting manifests or tags', fix: 'delete it in the registry UI, or enable deletes' },

  // signing and verification
  SIGNING_DISABLED: { meaning: "signing is set to 'none', so nothing was signed", fix: 'choose a signing mode if a signature is needed' },
  SIGNING_UNAVAILABLE: {
    meaning: 'signing cannot succeed: no usable identity token or key, or Fulcio or Rekor does not answer',
    fix: 'grant id-token: write or configure the signing key; check signing.fulcioUrl and signing.rekorUrl',
  },
  SIGNING_FAILED: { meaning: 'creating or attaching a signature failed', fix: 'read the message; check the Sigstore services, the token or the key' },
  SIGNATURE_NOT_FOUND: { meaning: 'no signature exists for the artifact', fix: 'sign it, or do not use it' },
  SIGNATURE_INVALID: { meaning: 'a signature or bundle does not verify', fix: 'do not use the artifact; re-publish it from the release workflow' },
  UNTRUSTED_SIGNER: {
    meaning: 'the artifact is signed, but not by an identity the policy trusts',
    fix: 'check --certificate-identity and --certificate-oidc-issuer',
  },
  TRUSTED_ROOT_UNAVAILABLE: {
    meaning: 'the Sigstore trusted root cannot be read',
    fix: 'pass a trusted_root.json (application/vnd.dev.sigstore.trustedroot+json)',
  },

  PROVENANCE_UNAVAILABLE: {
    meaning: 'no build provenance can be made from the OIDC token (not a JWT, or without the Actions claims)',
    fix: 'run in GitHub Actions with id-token: write',
  },
  ATTESTATION_NOT_FOUND: {
    meaning: 'no attestation of the asked type is attached to the artifact',
    fix: 'attest the digest in the release workflow (attestations: write)',
  },

  // pull requests and lineage
  NO_PULL_REQUEST: { meaning: 'no merged pull request brought the released commit', fix: 'release through a pull request, or set onMissingPr: warn' },
  ATTESTATION_MAP_MISSING: { meaning: 'the merged pull request carries no attestation map', fix: 'let the earlier pipeline stages post it' },
  ATTESTATION_MAP_AMBIGUOUS: { meaning: 'the pull request carries several attestation maps', fix: 'keep one map in the pull request' },
  ATTESTATION_MAP_INVALID: { meaning: 'the attestation map does not match its schema', fix: 'correct the map as the schema says' },
  ATTESTATION_MAP_UNPARSABLE: { meaning: 'the attestation map is not valid JSON', fix: 'correct the JSON of the map' },
  ATTESTATION_MAP_TOO_LARGE: { meaning: 'the attestation map exceeds the size limit', fix: 'shrink the map or raise the limit' },
  ATTESTATION_MAP_UNSUPPORTED_VERSION: { meaning: 'the attestation map has a version this release does not read', fix: 'write a supported map version' },
  LINEAGE_INVALID: { meaning: 'a lineage document does not match its schema or cannot be named', fix: 'report it: the lineage is built by chart-release' },

  // GitHub and releases
  GITHUB_AUTH_FAILED: {
    meaning: 'GitHub refused the token, or no token is set',
    fix: "set GITHUB_TOKEN to a token with the job's permissions (contents: write)",
  },
  GITHUB_NOT_FOUND: {
    meaning: 'the repository or object does not exist, or the token cannot see it',
    fix: 'check the repository name and the token permissions',
  },
  GITHUB_UNAVAILABLE: { meaning: 'GitHub cannot be reached or keeps failing', fix: 're-run later; what was done is kept' },
  GITHUB_REQUEST_REJECTED: {
    meaning: 'GitHub refused a request as invalid (422): a field it names is wrong or already taken',
    fix: 'correct the input the message names; the same input fails again',
  },
  GITHUB_REQUEST_FAILED: { meaning: 'a GitHub request failed for another reason', fix: 'read the message; re-run to finish the job' },
  RELEASE_IMMUTABLE: { meaning: 'the release is published with a different package', fix: 'bump the chart version' },
  TAG_TEMPLATE_INVALID: {
    meaning: 'the release tag template lacks a placeholder or has an unknown one',
    fix: 'use {name} and {version} in release.tagTemplate',
  },
  NOTES_TEMPLATE_INVALID: { meaning: 'the release notes template uses an unknown field', fix: 'use only the fields the hint lists' },
  TARGET_UNKNOWN: { meaning: 'the release commit cannot be told', fix: 'pass --target <sha>' },
  ASSET_MISSING: { meaning: 'a required release asset was not produced', fix: 'produce the asset, or drop it from release.requiredAssets' },
  ASSET_SKIPPED: { meaning: 'an optional release asset is not there and is left out (a warning)', fix: 'add the file if the release should carry it' },
  ASSET_KIND_UNKNOWN: { meaning: 'release.requiredAssets names an unknown kind', fix: 'use one of the kinds the hint lists' },
  ASSET_INVALID: { meaning: 'a release asset is not the file it should be', fix: 'pass the file helm package wrote' },
  ASSET_NAME_CONFLICT: { meaning: 'two assets would be attached under one name', fix: 'rename one of the files' },
  ASSET_CORRUPTED: { meaning: 'GitHub stored an asset with other bytes than were uploaded', fix: 're-run; the asset is uploaded again' },
  ASSET_DOWNLOAD_FAILED: { meaning: 'a release asset could not be downloaded', fix: 're-run; check the token can read the releases' },

  ARTIFACTHUB_CONFIG_INVALID: { meaning: 'the Artifact Hub repository settings are not valid', fix: 'correct the artifactHub field the message names' },
  ARTIFACTHUB_ANNOTATION_INVALID: {
    meaning: 'an artifacthub.io annotation in Chart.yaml is not valid',
    fix: 'correct the annotation as Artifact Hub documents it',
  },

  // the Helm repository index on Pages
  INDEX_INVALID: { meaning: 'the Helm repository index is not valid', fix: 'correct or rebuild index.yaml (chart-release index --rebuild)' },
  INDEX_DIGEST_CONFLICT: { meaning: 'the index lists a version with another digest than the published package', fix: 'rebuild the index from the releases' },
  INDEX_CONFLICT: { meaning: 'the Pages branch kept moving while the index was written', fix: 're-run: the index is merged again with what other runs wrote' },
  INDEX_WOULD_SHRINK: {
    meaning: 'writing the index would drop entries that have no published release',
    fix: 'publish them again, or rebuild with --prune on purpose',
  },
  INDEX_RELEASE_MISSING: { meaning: 'a chart to index has no published release holding its package', fix: 'publish the release first, then re-run' },
  ASSET_URL_MISSING: { meaning: 'GitHub gave no download URL for a release asset', fix: 're-run; check the release is published' },
  PAGES_BRANCH_REFUSED: { meaning: 'a ruleset or branch protection refuses the index update', fix: "allow the workflow's token to push to the Pages branch" },

  LEASE_HELD: { meaning: 'another run of the repository holds the publish lease', fix: 'wait for that run, or re-run after the lease expires' },

  // promotion, manifests and the emulator
  RELEASE_MANIFEST_MISMATCH: {
    meaning: 'an artifact in the registry does not match its release manifest (tag, package or signature)',
    fix: 'read the failed checks; promote or re-publish the artifact the manifest names',
  },
  RELEASE_MANIFEST_INVALID: {
    meaning: 'a release manifest or publish journal is missing or outside its schema',
    fix: 'run chart-release publish first, or pass the manifest it wrote',
  },
  SOURCE_NOT_FOUND: { meaning: 'the version or digest to promote does not exist', fix: 'check --version/--digest against the registry' },
  TAG_POLICY: { meaning: 'a promotion target is neither a version tag nor an allowed channel', fix: 'use vX.Y.Z or a channel, or --allow-non-semver' },
  PROMOTION_VERIFY_FAILED: {
    meaning: 'after a move the channel does not resolve to the promoted digest',
    fix: 're-run the promotion; another writer moved the tag',
  },
  TAG_VERSION_MISMATCH: { meaning: 'a version tag may only point at the digest of that version', fix: 'promote the digest of that version, or use a channel' },
  RESERVED_TAG: { meaning: 'the tag name is shaped like an audit tag, which promotion reserves', fix: 'choose another channel name' },
  PROMOTION_INCOMPLETE: {
    meaning: 'moving a tag failed midway through a promotion; the moved ones were put back',
    fix: 're-run the promotion once the registry answers',
  },
  NO_ROLLBACK_TARGET: { meaning: 'the channel has no earlier digest in its audit history', fix: 'name the target with --to <version|digest>' },
  EMULATOR_SEED_UNREADABLE: { meaning: 'the GitHub emulator seed fixtures cannot be read', fix: 'pass a seed file in the documented format' },
  EMULATOR_STATE_UNREADABLE: { meaning: 'the GitHub emulator state file cannot be read', fix: 'delete the state file or pass one the emulator wrote' },
} as const satisfies Record<string, ErrorCodeEntry>;

/** Every stable error code. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** Whether `value` is a catalogued error code. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CATALOGUE, value);
}

/** The meaning and fix of `code`. */
export function describeErrorCode(code: ErrorCode): ErrorCodeEntry {
  return ERROR_CATALOGUE[code];
}
