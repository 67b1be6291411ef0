#!/usr/bin/env bash
# The entry behind `npm test`, `npm run demo` and `npm run bench`: installs what is missing, then runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh
# shellcheck source=scripts/env.sh
source scripts/env.sh
what="${1:-test}"; shift || true
case "$what" in
  test)
    # on CI every task runs for real, never from a local cache
    cache=()
    [[ "${CI:-}" == "true" ]] && cache=(--skip-nx-cache)
    nx run-many -t typecheck lint test --outputStyle=stream --parallel=2 "${cache[@]}" "$@"
    # what a release would publish (versions from conventional commits, changelogs), without writing anything
    nx release --dry-run --skip-publish --first-release
    ;;
  demo)
    exec node --conditions=@chart-release/source tools/demo/src/demo.ts "$@"
    ;;
  bench)
    exec node --conditions=@chart-release/source bench/run.ts "$@"
    ;;
  *)
    exec "$what" "$@"
    ;;
esac
