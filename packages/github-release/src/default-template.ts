/**
 * The release notes template used when the user gives none. Names it can use are listed in the README
 * ("Release notes template"); copy it as a starting point for your own.
 */
export const DEFAULT_RELEASE_NOTES_TEMPLATE = `{{#unsigned}}
> [!WARNING]
> **This release is unsigned.** It was published with signing set to \`none\`: there is no signature to verify.
> Compare the digest below with the one the registry reports before you rely on it.

{{/unsigned}}
{{#description}}
{{description}}

{{/description}}
{{^library}}
## Install

\`\`\`sh
{{installCommand}}
\`\`\`
{{/library}}
{{#library}}
## Use as a dependency

\`{{chart}}\` is a library chart: it is not installed on its own, other charts use it. Add it to your chart's
\`Chart.yaml\` and run \`helm dependency update\`:

\`\`\`yaml
{{dependencySnippet}}
\`\`\`
{{/library}}

| | |
|---|---|
| Chart | \`{{chart}}\` |
| Version | \`{{version}}\` |
{{#appVersion}}
| App version | \`{{appVersion}}\` |
{{/appVersion}}
| OCI reference | \`{{ociReference}}\` |
| Digest | \`{{digest}}\` |

## Changes

{{#changesFromCommits}}
_CHANGELOG.md has no section for {{version}}; these commits changed the chart since its previous release:_

{{/changesFromCommits}}
{{#changes}}
{{changes}}
{{/changes}}
{{^changes}}
No changes were recorded for this version.
{{/changes}}
{{#signed}}

## Verify

The chart is signed by its digest. Check the signature with [cosign](https://docs.sigstore.dev/cosign/):

\`\`\`sh
{{cosignVerifyCommand}}
\`\`\`
{{#cosignVerifyBlobCommand}}

and the downloaded package with its bundle:

\`\`\`sh
{{cosignVerifyBlobCommand}}
\`\`\`
{{/cosignVerifyBlobCommand}}
{{/signed}}
{{#attestationVerifyCommand}}

Check its attestations with the [GitHub CLI](https://cli.github.com/):

\`\`\`sh
{{attestationVerifyCommand}}
\`\`\`
{{/attestationVerifyCommand}}
{{#lineage}}

## Attestation lineage

{{lineage}}
{{/lineage}}
`;
