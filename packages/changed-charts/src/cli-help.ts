import { formatHelp } from '@chart-release/core/help';
// the light entry: the package's index loads the YAML and SemVer parsers
import { DEFAULT_TAG_TEMPLATE } from '@chart-release/chart-metadata/defaults';
import { DEFAULT_TARGET_BRANCH } from './defaults.ts';

/** What `changed-charts --help` prints. */
export const HELP = formatHelp({
  command: 'changed-charts',
  summary: 'which Helm charts a git range changed, and why',
  usage: ['changed-charts [--base <rev>] [--head <rev>] [options]'],
  description: `Compares base..head and lists every chart whose files changed (added, modified, deleted, renamed) plus the
charts whose package changes with them (a file:// dependency), checks that each chart to release has a higher
version than at base, and prints a table (or JSON). A chart that depends by name (from a chart repository or a
registry) on a released chart is not released for it: it is a note ('web depends on lib 1.2.*; lib 1.3.0 is
released in this push'). Exits 1 when a problem must be fixed before releasing.`,
  options: `  --base <rev>           compare from this revision (default: the push event's 'before'; for a new branch or
                         a force push, the merge-base with --target-branch, else the last release tag)
  --head <rev>           compare to this revision (default: the push event's 'after', else HEAD)
  --chart-dir <dir>      folder holding charts, repeatable (default: charts); charts may be nested below it
  --ignore <glob>        changed files matching this glob do not count, repeatable (e.g. '**/*.md')
  --target-branch <b>    branch for the merge-base fallback (default: ${DEFAULT_TARGET_BRANCH})
  --tag-template <t>     release tag template for the last-tags fallback (default: ${DEFAULT_TAG_TEMPLATE})
  --cwd <dir>            a folder inside the repository (default: the current folder)
  --registry <oci://..>  the registry the charts are released to: an oci:// dependency by name is then noted
                         only when its repository is this registry (default: any named like a released chart)
  --no-cache             do not read or write the dependency index and the Chart.yaml cache in <git dir>/chart-release/
                         (they let a later run read only the chart folders and Chart.yaml files that changed;
                         entries are keyed by tree and blob id)
  --json                 print {"ok","charts":[...],"errors":[...],"warnings":[...],"notes":[...],"base","head",
                         "baseSource"}
  -h, --help             show this help`,
  sections: [
    {
      title: 'GitHub Actions',
      body: `  It also writes the step outputs 'charts' (JSON list of chart names to release),
  'matrix' ({"include":[{"chart","path","version"}]}) and 'changed' (true/false).`,
    },
    {
      title: 'Error codes',
      body: '  VERSION_NOT_BUMPED, VERSION_INVALID, CHART_YAML_INVALID, REVISION_NOT_FOUND, NOT_A_GIT_REPOSITORY, EVENT_INVALID,\n  GIT_FAILED, USAGE',
    },
  ],
});
