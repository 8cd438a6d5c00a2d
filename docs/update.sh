#!/usr/bin/env bash
# Copies the generated reference (docs/rules.md, docs/extensions.md) into the
# source tree: bazel run //docs:update
set -euo pipefail
: "${BUILD_WORKSPACE_DIRECTORY:?run this with bazel run //docs:update}"
for generated in "$@"; do
  name=$(basename "$generated" .generated)
  install -m 0644 "$generated" "$BUILD_WORKSPACE_DIRECTORY/docs/$name"
  echo "updated docs/$name"
done
