import { formatHelp } from '@chart-release/core/help';

export const NAME = 'chart-release-testkit';
/** What `chart-release-testkit --help` prints. */
export const HELP = formatHelp({
  command: NAME,
  summary: 'real components for testing chart release automation',
  usage: [
    `${NAME} install-tools [--json]   install helm v4 and v3 (pinned, verified) into the cache`,
    `${NAME} registry [--port N] [--username U --password P]`,
    '                                 run a docker-registry on 127.0.0.1 until interrupted',
    `${NAME} sigstore [--sub IDENTITY]  run a local Sigstore (OIDC issuer, Fulcio, Rekor) until interrupted;`,
    '                                 prints the URLs, the trusted root and an identity token for IDENTITY',
  ],
  options: `  --port N             registry: port on 127.0.0.1 (default: a free one)
  --username U         registry: require basic auth with this user (and --password)
  --password P         registry: the password it accepts (a throwaway for tests)
  --sub IDENTITY       sigstore: the identity the minted token carries
  --json               print {ok, charts: [], errors, warnings, ...} on stdout (one line for the servers)
  -h, --help           show this help`,
});
