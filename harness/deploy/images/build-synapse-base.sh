#!/usr/bin/env bash
# Builds the Synapse base image from Debian's packages, with no image registry:
# a Debian sid root filesystem with matrix-synapse, imported into the local Docker engine.
# Usage: build-synapse-base.sh TAG
set -euo pipefail
tag=${1:?usage: build-synapse-base.sh TAG}
command -v mmdebstrap >/dev/null || { echo "mmdebstrap is missing: apt-get install -y mmdebstrap" >&2; exit 2; }
# The import goes to a scratch tag that gets the real one only once the whole build succeeded: an interrupted
# or failed mmdebstrap must not leave a half-imported image under a tag later runs would take as built.
scratch="${tag%%:*}:partial-$$"
trap 'docker rmi --force "$scratch" >/dev/null 2>&1 || true' EXIT
# sid's Release file carries an expired Valid-Until, hence the aptopt.
mmdebstrap --variant=apt --quiet \
  --aptopt='Acquire::Check-Valid-Until "false"' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --include=matrix-synapse,ca-certificates \
  sid - | docker import --change 'WORKDIR /data' - "$scratch"
docker run --rm --network none "$scratch" python3 -c 'import synapse' \
  || { echo "the imported image has no working Synapse" >&2; exit 1; }
docker tag "$scratch" "$tag"
