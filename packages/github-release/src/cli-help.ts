import { formatHelp } from '@chart-release/core/help';
// the light entry: the package's index loads the YAML and SemVer parsers
import { DEFAULT_TAG_TEMPLATE } from '@chart-release/chart-metadata/defaults';
import { ASSET_KINDS } from './asset-kinds.ts';

export const NAME = 'chart-github-release';
/** What `chart-github-release --help` prints. */
export const HELP = formatHelp({
  command: NAME,
  summary: 'the GitHub release of one chart: notes, assets, draft first, idempotent',
  usage: [`${NAME} --repo owner/name --chart-dir charts/x --package x-1.0.0.tgz --digest sha256:... --registry oci://host/ns [options]`],
  description: `Assembles (or updates) the GitHub release of one chart as a draft: notes from its CHANGELOG with install and
verify commands, and its assets. Re-running uploads only what changed; a published release is never changed.`,
  options: `  --repo owner/name          repository (default $GITHUB_REPOSITORY)
  --chart-dir DIR            the chart's folder (Chart.yaml, CHANGELOG.md, README.md, LICENSE; without a LICENSE,
                             the work tree root's; without a CHANGELOG, one made from artifacthub.io/changes or
                             the chart's commits)
  --package FILE             the .tgz helm package wrote
  --digest sha256:HEX        the chart's manifest digest in the registry
  --registry oci://HOST/NS   where the chart was pushed
  --signature FILE           the package's signature (.sig)
  --bundle FILE              the package's Sigstore bundle (.sigstore.json)
  --lineage FILE             <chart>-attestation-lineage.json
  --signing MODE             keyless | key | none (default keyless when --signature or --bundle is given, else none)
  --certificate-identity ID  signer identity for the cosign verify command (default: any workflow of the repo)
  --certificate-oidc-issuer URL   (default https://token.actions.githubusercontent.com)
  --public-key PATH|URL      key mode: where users find the public key
  --require KINDS            comma-separated assets that must exist (default package); kinds: ${ASSET_KINDS.join(', ')}
  --target SHA               commit the tag is created on when published (default $GITHUB_SHA, else HEAD)
  --tag-template T           default ${DEFAULT_TAG_TEMPLATE}
  --notes-template FILE      a release notes template (see the README for its names)
  --make-latest V            true | false | legacy (default false when the chart dir's parent holds several charts)
  --publish                  publish the draft (creates the tag)
  --dry-run                  print the notes and the asset plan; write nothing
  --api-url URL              GitHub API (default $GITHUB_API_URL or https://api.github.com)
  --json                     print {ok, charts, errors, warnings, dryRun, requests} on stdout
  -h, --help                 show this help`,
  sections: [{ title: 'Environment', body: '  GITHUB_TOKEN (required unless --dry-run), GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_API_URL, GITHUB_SERVER_URL' }],
});
