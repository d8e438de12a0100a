#!/usr/bin/env bash
# Builds the Synapse base image from Debian's packages, with no image registry:
# a Debian sid root filesystem with matrix-synapse, imported into the local Docker engine.
# Usage: build-synapse-base.sh TAG
set -euo pipefail
tag=${1:?usage: build-synapse-base.sh TAG}
command -v mmdebstrap >/dev/null || { echo "mmdebstrap is missing: apt-get install -y mmdebstrap" >&2; exit 2; }
# sid's Release file carries an expired Valid-Until, hence the aptopt.
mmdebstrap --variant=apt --quiet \
  --aptopt='Acquire::Check-Valid-Until "false"' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --include=matrix-synapse,ca-certificates \
  sid - | docker import --change 'WORKDIR /data' - "$tag"
