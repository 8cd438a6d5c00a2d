#!/usr/bin/env bash
# Bazel's workspace status command for the e2e run: the registry it pushes
# to, for the stamped repository of //app:stamped_repository.
echo "STABLE_E2E_REGISTRY ${E2E_REGISTRY:?the e2e run sets E2E_REGISTRY}"
