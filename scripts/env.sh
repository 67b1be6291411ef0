# Puts the provisioned Node and the helm v4 that setup installed first on PATH, and the workspace's bins (npx
# <bin>); sets the Nx switches for machines without a daemon or Nx Cloud. Sourced by scripts/run.sh, scripts/setup.sh
# and the workspace bins; `source scripts/env.sh` in a shell gives it the same.
_cr_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/versions.sh
source "$_cr_root/scripts/versions.sh"
if [[ -x "$_cr_root/.cache/tools/node-v$NODE_VERSION/bin/node" ]]; then
  export PATH="$_cr_root/.cache/tools/node-v$NODE_VERSION/bin:$PATH"
fi
# nothing installed yet (a machine whose own Node is recent enough has no .cache/tools before setup installs helm):
# no helm to add, and no failing find to stop a caller running with `set -e -o pipefail`
_cr_helm=""
if [[ -d "$_cr_root/.cache/tools" ]]; then
  _cr_helm="$(find "$_cr_root/.cache/tools" -maxdepth 2 -path '*/helm-v4.*/helm' -type f | sort -V | tail -n 1)"
fi
if [[ -n "$_cr_helm" ]]; then
  export PATH="$(dirname "$_cr_helm"):$PATH"
fi
export PATH="$_cr_root/node_modules/.bin:$PATH"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
unset _cr_root _cr_helm
