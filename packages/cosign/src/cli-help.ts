import { formatHelp } from '@chart-release/core/help';

/** What `chart-sign --help` prints. */
export const HELP = formatHelp({
  command: 'chart-sign',
  summary: 'sign Helm charts by OCI digest and as .tgz files, and verify them (Sigstore bundles, as cosign v3)',
  usage: [
    'chart-sign sign <host>/<repository>@sha256:<hex> [signing options]',
    'chart-sign sign-blob <chart.tgz>... [signing options]      writes <file>.sig and <file>.sigstore.json',
    'chart-sign verify <host>/<repository>@sha256:<hex> <policy> [--trusted-root <file>]',
    'chart-sign verify-blob <chart.tgz> [--bundle <file>] <policy> [--trusted-root <file>]',
    'chart-sign verify-attestation <host>/<repository>@sha256:<hex> | <file> --bundle <file>',
    '           [--type <predicate type>] <policy> [--source-repository <url>] [--trusted-root <file>]',
  ],
  description: `A digest signature is a bundle holding a DSSE in-toto statement (https://sigstore.dev/cosign/sign/v1) pushed as an
OCI referrer of the chart manifest; registries without the referrers API get the sha256-<hex> index tag.
'cosign verify' of cosign v3 accepts it. By default cosign v2's layout is written too: a simple-signing
signature at the sha256-<hex>.sig tag, which cosign v2 and Flux before 2.8 read. Verification reads both.

verify-attestation checks DSSE in-toto attestations (any predicate type) attached as referrers of a digest, or
a bundle file for a file: signature, certificate, transparency log, a subject naming the digest (or the file's
sha256), the predicate type and the signer.`,
  options: `  Signing options:
    --mode <mode>                 auto | cosign | sigstore | key (env CHART_RELEASE_SIGNING; default auto:
                                  cosign when on PATH, else sigstore-js)
    --fulcio-url <url>            Fulcio (default https://fulcio.sigstore.dev)
    --rekor-url <url>             Rekor (default https://rekor.sigstore.dev)
    --tsa-url <url>               an RFC 3161 timestamp authority (optional)
    --key <file>                  key mode: ECDSA P-256 private key, PEM or a cosign.key (or
                                  CHART_RELEASE_SIGNING_KEY; password in CHART_RELEASE_SIGNING_KEY_PASSWORD
                                  or COSIGN_PASSWORD)
    --no-tlog                     key mode: do not record the signature in Rekor
    --layout <layout>             bundle | legacy | both (default both): referrer bundle, .sig tag, or both
    --cosign <path>               the cosign binary for mode cosign
    Keyless signing takes its OIDC token from SIGSTORE_ID_TOKEN or the GitHub Actions OIDC endpoint
    (permissions: id-token: write).

  Policy (verify, verify-blob):
    --certificate-identity <id>          exact signer identity, e.g.
                                         https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/heads/release
    --certificate-identity-regexp <re>   or a pattern (unanchored, as cosign)
    --certificate-oidc-issuer <url>      e.g. https://token.actions.githubusercontent.com
    --public-key <file>                  or: the PEM public key of a key-signed chart
    --insecure-ignore-tlog               with --public-key: accept a signature without a transparency log entry
    --type <type>                        verify-attestation: predicate type, a URI or slsaprovenance1, spdxjson,
                                         cyclonedx, link, vuln, openvex, custom (default: any)
    --source-repository <url>            verify-attestation: the certificate's source repository must be this,
                                         e.g. https://github.com/OWNER/REPO (what 'gh attestation verify --repo' checks)
    --trusted-root <file>                trusted_root.json of a private Sigstore (default: public Sigstore via TUF)

  Registry options:
    --plain-http                  talk HTTP instead of HTTPS
    --username <user>             with --password-stdin; else CHART_RELEASE_REGISTRY_USERNAME/_PASSWORD,
    --password-stdin              GITHUB_TOKEN (ghcr.io), docker or helm registry config

    --dry-run                     print what would be signed; sign nothing
    --json                        print {ok, charts, errors, warnings, dryRun} on stdout
    -h, --help                    show this help`,
  sections: [
    {
      title: 'Error codes',
      body: '  SIGNING_FAILED, SIGNATURE_NOT_FOUND, ATTESTATION_NOT_FOUND, SIGNATURE_INVALID, UNTRUSTED_SIGNER, TRUSTED_ROOT_UNAVAILABLE,\n  USAGE',
    },
  ],
  exitCodes: { 1: 'a signing or verification failure, or another problem to fix (the error line names its code and the fix)' },
});
