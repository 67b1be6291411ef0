import { formatHelp } from '@chart-release/core/help';

/** What `chart-push --help` prints. */
export const HELP = formatHelp({
  command: 'chart-push',
  summary: 'push helm charts to an OCI registry, once, verified, never overwriting a released version',
  usage: ['chart-push <chart.tgz|chart-dir>... --registry oci://host/namespace [options]'],
  description: `A chart folder is packaged first (helm dependency build for file:// dependencies, then helm package).
Before anything is written every chart is checked: a version already in the registry with the same content
is reported as "exists"; with different content the run fails (IMMUTABLE_TAG) and nothing is pushed.`,
  options: `  --registry <oci://host/ns>    where charts go (required); each chart lands in <ns>/<chart name>:<version>
  --plain-http                  talk HTTP instead of HTTPS
  --ca-file <file>              CA bundle for the registry's TLS certificate
  --insecure-skip-tls-verify    do not verify the registry's TLS certificate
  --username <user>             registry user; the password is read from stdin (--password-stdin)
  --password-stdin              read the registry password or token from stdin
  --native                      upload blobs and manifest directly (helm's layout) instead of running helm push
  --helm <path>                 the helm binary (default: helm on PATH)
  --dry-run                     check and print what would be pushed; write nothing
  --json                        print {ok, charts, errors, warnings, dryRun} on stdout
  -h, --help                    show this help`,
  sections: [
    {
      title: 'Credentials',
      body: `  First found: --username/--password-stdin; CHART_RELEASE_REGISTRY_USERNAME/_PASSWORD; GITHUB_TOKEN (ghcr.io);
  ~/.docker/config.json; helm's registry config (helm registry login).`,
    },
  ],
});
