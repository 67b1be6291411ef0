import { formatHelp } from '@chart-release/core/help';

/** What `github-emulator --help` prints. */
export const HELP = formatHelp({
  command: 'github-emulator',
  summary: "a GitHub REST API emulator checked against GitHub's OpenAPI description",
  usage: ['github-emulator [--port N] [--token T] [--state file.json] [--seed fixtures.json] [--strict | --no-strict] [--enterprise] [--json]'],
  description: `Serves the API at the root of http://127.0.0.1:PORT (use it as GITHUB_API_URL / Octokit's baseUrl) until
interrupted; with --enterprise, at /api/v3 with uploads at /api/uploads, as GitHub Enterprise Server does. Every
request and response is validated against @octokit/openapi's api.github.com description.`,
  options: `  --port N             port on 127.0.0.1 (default: a free one)
  --token T            accepted token (repeatable; default: a random ghp_ token, printed)
  --read-only-token T  accepted token without push access (repeatable)
  --login L            the account tokens act as (default: github-actions[bot])
  --state FILE         load the state from FILE if it exists; save it there after every change
  --seed FILE          JSON fixtures (EmulatorSeed: repos, commits, pulls, releases, attestations) applied at start
  --strict             answer 500 when a response does not match the schema (default)
  --no-strict          send such responses anyway (they are still logged)
  --latency MS         delay every API response
  --enterprise         serve the API under /api/v3 and uploads under /api/uploads (GitHub Enterprise Server)
  --json               print one line {ok, charts: [], errors, warnings, url, uploadsUrl, webUrl, storageUrl, pagesUrl,
                       token} on stdout
  -h, --help           show this help`,
  sections: [
    {
      title: 'Control endpoints',
      body: '  GET /_emulator/requests, GET /_emulator/state, POST /_emulator/seed, POST /_emulator/faults, POST /_emulator/reset',
    },
  ],
});
