#!/usr/bin/env bash
# Rebuilds base.tar, the custom base image this example starts from, the way a
# team makes its own base: docker build, then docker save.
set -euo pipefail
cd "$(dirname "$0")"
tag=rules-goimage-example/custom-base:latest
docker build --quiet --tag "$tag" .
docker save --output base.tar "$tag"
chmod 0644 base.tar
docker rmi "$tag" >/dev/null
echo "wrote $(pwd)/base.tar"
