# shellcheck shell=bash
# Sourced by e2e/run.sh: a second workspace (e2e/pull, copied and filled in
# with this run's registries and digests) pulls the pushed images back with
# goimage.pull and builds on bases that real tools wrote just now, on image
# tarballs given as labels, and on bases it must refuse.

# write_pull_workspace copies the checked-in workspace e2e/pull to $PULL_WS,
# fills in what only this run knows, and writes the bases that real tools
# make into its bases/ folder.
write_pull_workspace() {
  rm -rf "$PULL_WS"
  cp -r "$E2E/pull" "$PULL_WS"
  cp "$E2E/app/main.go" "$PULL_WS/"
  sed -e "s|@RULES_GOIMAGE@|$PROJECT|" -e "s|@REGISTRY@|$REGISTRY|g" -e "s|@AUTH_REGISTRY@|$AUTH_REGISTRY|g" \
    -e "s|@TOKEN_REGISTRY@|$TOKEN_REGISTRY|g" -e "s|@HELLO_DIGEST@|$HELLO_DIGEST|g" -e "s|@MULTI_DIGEST@|$MULTI_DIGEST|g" \
    -e "s|@PRIVATE_DIGEST@|$PRIVATE_DIGEST|g" -e "s|@TOKEN_DIGEST@|$TOKEN_DIGEST|g" \
    "$E2E/pull/MODULE.bazel.in" >"$PULL_WS/MODULE.bazel"
  rm "$PULL_WS/MODULE.bazel.in" "$PULL_WS/docker-credential-e2e.in"
  mkdir -p "$PULL_WS/bases"
  docker_bases
  containerd_export
  other_tool_bases
  broken_layouts
}

# docker_bases makes a custom base with docker build, and saves it plainly
# and gzip-compressed, as teams keep them.
docker_bases() {
  local tag=goimage-test-rules/e2e-custom-base:$RUN_ID
  DOCKER_TAGS+=("$tag")
  docker build --quiet --tag "$tag" "$PULL_WS/base" >"$WORK/docker-build.log" 2>&1 ||
    fail "docker build of the custom base: $(cat "$WORK/docker-build.log")"
  docker save --output "$PULL_WS/bases/docker-save.tar" "$tag"
  docker save "$tag" | gzip >"$PULL_WS/bases/docker-save.tar.gz"
  ok "made a custom base with docker build, and saved it with docker save, plain and gzipped"
}

# containerd_export is the scenario rules_goimage exists for: a two-platform
# image (the index this run pushed) pulled for one platform into containerd,
# then exported by containerd, which is what `docker save` does on Docker 25+
# with the containerd image store: index.json points to the whole index, and
# only the pulled platform's blobs are in the archive.
containerd_export() {
  local dir=$WORK/containerd ctr
  mkdir -p "$dir"
  printf 'version = 2\nroot = "%s/root"\nstate = "%s/state"\n[grpc]\n  address = "%s/sock"\n[plugins."io.containerd.grpc.v1.cri"]\n  disable = true\n' \
    "$dir" "$dir" "$dir" >"$dir/config.toml"
  containerd --config "$dir/config.toml" >"$dir/log" 2>&1 &
  echo $! >"$dir/containerd.pid"
  ctr=(ctr --address "$dir/sock" --namespace e2e)
  for _ in $(seq 100); do "${ctr[@]}" version >/dev/null 2>&1 && break; sleep 0.1; done
  "${ctr[@]}" images pull --plain-http --platform linux/amd64 "$REGISTRY/e2e/multi:v1" >/dev/null ||
    fail "ctr images pull: $(tail -5 "$dir/log")"
  "${ctr[@]}" images export --platform linux/amd64 "$PULL_WS/bases/ctr-export-amd64.tar" "$REGISTRY/e2e/multi:v1"
  check ContainerdExport E2E_ARCHIVE="$PULL_WS/bases/ctr-export-amd64.tar"
  ok "containerd exported the linux/amd64 image of $REGISTRY/e2e/multi:v1"
}

# other_tool_bases writes the pushed image as crane and skopeo keep images.
other_tool_bases() {
  crane pull --insecure --format=tarball "$REGISTRY/e2e/hello@$HELLO_DIGEST" "$PULL_WS/bases/crane-pull.tar"
  skopeo copy --quiet --src-tls-verify=false "docker://$REGISTRY/e2e/hello@$HELLO_DIGEST" "oci:$PULL_WS/bases/skopeo-layout:hello"
  skopeo copy --quiet --src-tls-verify=false "docker://$REGISTRY/e2e/hello@$HELLO_DIGEST" "oci-archive:$PULL_WS/bases/skopeo-archive.tar:hello"
  ok "crane pull --format=tarball, skopeo copy oci: and oci-archive: wrote the pushed image"
}

# broken_layouts writes two copies of base/layout: one without its config
# blob, one whose layer blob is damaged.
broken_layouts() {
  local manifest
  cp -r "$E2E/base/layout" "$PULL_WS/bases/missing_blob"
  cp -r "$E2E/base/layout" "$PULL_WS/bases/corrupt_blob"
  chmod -R u+w "$PULL_WS/bases/missing_blob" "$PULL_WS/bases/corrupt_blob"
  manifest=$(jq -r '.manifests[0].digest' "$E2E/base/layout/index.json")
  MISSING_BLOB=$(jq -r '.config.digest' "$E2E/base/layout/blobs/sha256/${manifest#sha256:}")
  rm "$PULL_WS/bases/missing_blob/blobs/sha256/${MISSING_BLOB#sha256:}"
  CORRUPT_BLOB=$(jq -r '.layers[0].digest' "$E2E/base/layout/blobs/sha256/${manifest#sha256:}")
  printf 'not the layer' >"$PULL_WS/bases/corrupt_blob/blobs/sha256/${CORRUPT_BLOB#sha256:}"
}

# expect_failure TARGET WANT...: the build of TARGET in the pull workspace fails
# with a message holding every WANT.
expect_failure() {
  local target=$1 out want
  shift
  if out=$(cd "$PULL_WS" && "$BAZEL" build "$target" 2>&1); then
    fail "bazel build $target succeeded"
  fi
  for want in "$@"; do
    grep -qF -- "$want" <<<"$out" || fail "bazel build $target failed without saying \"$want\": $out"
  done
}

step_broken_bases() {
  log "bases with a missing or a damaged blob"
  expect_failure //:on_missing_blob "lacks blob $MISSING_BLOB (the config of image"
  ok "goimage.local of a layout without its config blob fails, naming $MISSING_BLOB"
  expect_failure //:on_corrupt_blob "$CORRUPT_BLOB" "was modified; re-create it"
  ok "goimage.local of a layout with a damaged layer fails, naming $CORRUPT_BLOB"
}

step_pull() {
  log "pulling back by digest, in a second workspace"
  write_pull_workspace
  # The lazily pulled private base's layers are read by actions, with the
  # credentials that .bazelrc's --action_env=DOCKER_CONFIG passes them.
  (cd "$PULL_WS" && DOCKER_CONFIG=$WORK/docker-config "$BAZEL" build //...)
  ok "goimage.pull fetched the pushed images, by digest, from both registries"
  # The base's own binary, from the pulled layers, runs under the new image's.
  load_and_run "$PULL_WS" //:on_pulled goimage-test-rules/e2e-on-pulled:latest "Hello from the e2e workspace" --entrypoint /app/hello_e2e
  run_image goimage-test-rules/e2e-on-pulled:latest "Hello from the e2e workspace"
  check Pulled E2E_ON_PULLED="$PULL_WS/bazel-bin/on_pulled.tar" E2E_BASE_NAME="$REGISTRY/e2e/hello" \
    E2E_ON_PULLED_ARM64="$PULL_WS/bazel-bin/on_pulled_arm64.tar"
  DOCKER_CONFIG=$WORK/docker-config load_and_run "$PULL_WS" //:on_private goimage-test-rules/e2e-on-private:latest "Hello from the e2e workspace"

  expect_failure //:on_unpinned "has no digest" "digest = \"$HELLO_DIGEST\""
  ok "goimage.pull without a digest is refused, showing digest = \"$HELLO_DIGEST\""
}

# step_real_tool_bases builds on bases that docker, containerd, crane and
# skopeo wrote, and runs the images.
step_real_tool_bases() {
  log "bases written by real tools"
  load_and_run "$PULL_WS" //:on_docker_base goimage-test-rules/e2e-on-docker-base:latest "as nonroot!"
  load_and_run "$PULL_WS" //:on_docker_base_gzip goimage-test-rules/e2e-on-docker-base-gzip:latest "as nonroot!"
  load_and_run "$PULL_WS" //:on_crane_tarball goimage-test-rules/e2e-on-crane-tarball:latest "Hello from the e2e workspace"
  load_and_run "$PULL_WS" //:on_skopeo_layout goimage-test-rules/e2e-on-skopeo-layout:latest "Hello from the e2e workspace"

  # The seed scenario: the linux/amd64 image of a containerd export works...
  load_and_run "$PULL_WS" //:on_containerd_export goimage-test-rules/e2e-on-containerd-export:latest "on linux/amd64, as nonroot!"
  # ...and the platform it lists but lacks is refused, saying what it has and the fix.
  expect_failure //:on_containerd_export_arm64 "its linux/arm64 image is incomplete" "Complete images in it: linux/amd64" \
    "listed but missing: linux/arm64" "docker pull --platform linux/arm64" "goimage.pull"
  ok "goimage.local of the containerd export, for linux/arm64, is refused: it has linux/amd64 only, and the message says how to get arm64"

  # Image tarballs as plain labels, without a repository rule.
  load_and_run "$PULL_WS" //:on_label_docker_save goimage-test-rules/e2e-on-label-docker-save:latest "as nonroot!"
  load_and_run "$PULL_WS" //:on_label_crane_tarball goimage-test-rules/e2e-on-label-crane-tarball:latest "Hello from the e2e workspace"
  load_and_run "$PULL_WS" //:on_label_oci_archive goimage-test-rules/e2e-on-label-oci-archive:latest "Hello from the e2e workspace"
  ok "docker save, crane and skopeo oci-archive tarballs given as base labels build images that run"
}

# step_checks: the checks of an image against its base refuse what would
# fail only when the container starts.
step_checks() {
  log "checks of the image against its base"
  expect_failure //:on_ghost_user 'names the user "ghost"' "--check user=off"
  ok "a user that the base's /etc/passwd lacks is refused, naming it"
  expect_failure //:cgo_on_scratch "needs its ELF interpreter /lib64/ld-linux-x86-64.so.2" 'pure = "auto"'
  ok "a cgo binary on a base without the C library is refused, naming its ELF interpreter"
}

# step_not_a_go_binary: a script as the image's binary is refused, naming it.
step_not_a_go_binary() {
  log "a binary that is not a Go binary"
  expect_failure //:on_script "script.sh is a script, not a binary"
  ok "a filegroup holding a shell script is refused as binary"
}
