# Pinned tool versions and checksums, shared by the setup script and the CI workflow.
NODE_VERSION=24.21.0
NODE_TGZ_SHA256=61ecf27ad70afee991b671c28561eb497028294a67d132f9bbaac9ad73f81d3b
