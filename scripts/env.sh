# Puts the provisioned Node first on PATH when the setup script installed one; sets the Nx switches for
# machines without a daemon or Nx Cloud. Sourced by scripts/run.sh and scripts/setup.sh.
_cr_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/versions.sh
source "$_cr_root/scripts/versions.sh"
if [[ -x "$_cr_root/.cache/tools/node-v$NODE_VERSION/bin/node" ]]; then
  export PATH="$_cr_root/.cache/tools/node-v$NODE_VERSION/bin:$PATH"
fi
export PATH="$_cr_root/node_modules/.bin:$PATH"
export NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
unset _cr_root
