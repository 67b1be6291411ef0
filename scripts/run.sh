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
    log="$(mktemp)"
    trap 'rm -f "$log"' EXIT
    status=0
    # commit messages first: nx release reads them for every package's version and changelog
    node scripts/check-commits.ts 2>&1 | tee "$log" || status=$?
    # formatting: one formatter for the whole repository, checked, never argued about
    ((status == 0)) && { prettier --check . 2>&1 | tee -a "$log" || status=$?; }
    # types and lint of the whole workspace at once, side by side: one TypeScript build over every project reference
    # (what each project's `typecheck` target checks) and one ESLint run in which every file takes its own project's
    # eslint.config.mjs (what each project's `lint` target runs), each loading the shared sources once rather than
    # once per project; ESLint's nx rules read the project graph, which `nx show projects` computes first
    if ((status == 0)); then
      checks="$(mktemp -d)"
      nx show projects >/dev/null
      tsc --build tsconfig.json --emitDeclarationOnly >"$checks/typecheck" 2>&1 &
      typecheck=$!
      eslint --flag v10_config_lookup_from_file --max-warnings=0 . >"$checks/lint" 2>&1 &
      lint=$!
      wait "$typecheck" || { echo "typecheck: tsc --build tsconfig.json failed" >"$checks/typecheck.status"; status=1; }
      wait "$lint" || { echo "lint: eslint failed" >"$checks/lint.status"; status=1; }
      if grep -q 'No cached ProjectGraph' "$checks/lint"; then
        echo "lint: the nx rules found no project graph and checked nothing" >"$checks/lint.status"
        status=1
      fi
      cat "$checks"/typecheck* "$checks"/lint* | tee -a "$log"
      ((status == 0)) && echo "typecheck and lint: clean" | tee -a "$log"
      rm -rf "$checks"
    fi
    if ((status == 0)); then
      nx run-many -t test e2e --outputStyle=stream --parallel=2 "${cache[@]}" "$@" 2>&1 | tee -a "$log" || status=$?
    fi
    if ((status == 0)); then
      # what a release would publish (versions from conventional commits, changelogs), without writing anything
      if git remote get-url origin 2>/dev/null | grep -qE 'github\.com[:/]'; then
        nx release --dry-run --skip-publish --first-release || status=$?
      else
        # the changelog's GitHub releases are previewed from the GitHub repository behind origin; a clone of any
        # other origin previews the versions alone
        nx release version --dry-run --first-release || status=$?
      fi
    fi
    # one closing line for the whole suite, summed over every project's vitest summary
    sed -e 's/\x1b\[[0-9;]*m//g' "$log" | awk '
      /Tests +[0-9]+/ { for (i = 1; i < NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^skipped/) s += $i } }
      END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }'
    exit "$status"
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
