#!/usr/bin/env bash
# Rebuilds layout/, the OCI image layout the e2e workspace uses as a base
# through goimage.local: the example's custom base (examples/custom_base),
# converted by skopeo, a tool rules_goimage does not share code with.
set -euo pipefail
cd "$(dirname "$0")"
rm -rf layout
skopeo copy --quiet docker-archive:../../examples/custom_base/base/base.tar oci:layout:latest
echo "wrote $(pwd)/layout"
