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
    nx run-many -t typecheck lint test --outputStyle=stream --parallel=2 "$@"
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
