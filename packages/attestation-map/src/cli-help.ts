import { formatHelp } from '@chart-release/core/help';
import { DEFAULT_ON_MISSING_PR } from './types.ts';

/** What `attestation-map --help` prints. */
export const HELP = formatHelp({
  command: 'attestation-map',
  summary: 'the attestation lineage of the charts a merged pull request released',
  usage: ['attestation-map --sha <commit> [options]'],
  description: `Finds the merged pull request that brought <commit>, reads the attestation map earlier pipeline stages wrote into
it, and builds <chart>-attestation-lineage.json for each chart being released.`,
  options: `  --sha <commit>              the release commit (default: $GITHUB_SHA)
  --repo <owner/name>         the repository (default: $GITHUB_REPOSITORY)
  --charts <list>             charts being released: name@version[@sha256:<digest>],... (tag: <name>-v<version>);
                              without it, prints the pull request and its map only
  --out <dir>                 write the lineage files into <dir>
  --allowed-author <login>    a login whose PR comments may carry the map; repeatable
                              (default: github-actions[bot])
  --on-missing-pr <warn|fail> a commit without a merged pull request gets an empty lineage and a warning (default
                              ${DEFAULT_ON_MISSING_PR}, as chart-release's lineage.onMissingPr) or fails
  --on-missing-map <warn|fail> a pull request without a map warns (default) or fails
  --base-branch <branch>      prefer pull requests merged into this branch when several match
  --max-bytes <n>             largest map accepted (default 65536)
  --no-enrich                 do not query GitHub's attestations API
  --dry-run                   build and print the lineages without writing files
  --json                      print {ok, charts, errors, warnings, ...} on stdout (charts: the lineages, or the map)
  -h, --help                  show this help`,
  sections: [
    {
      title: 'Environment',
      body: '  GITHUB_TOKEN (or GH_TOKEN), GITHUB_API_URL (default https://api.github.com), GITHUB_REPOSITORY, GITHUB_SHA',
    },
  ],
});
