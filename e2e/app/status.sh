#!/usr/bin/env bash
# Bazel's workspace status command for the e2e run: the registry it pushes
# to (the first argument), for the stamped repository of
# //app:stamped_repository.
echo "STABLE_E2E_REGISTRY ${1:?usage: status.sh REGISTRY}"
