# shellcheck shell=bash
# Sourced by e2e/run.sh: the engine rules_goimage exists for, Docker >= 25 with
# the containerd image store, which tools/docker-containerd.sh starts beside
# the machine's engine. :image.load and :multi.load into it keep the digest
# that was built (the image's manifest, the index's) as the image's ID, name
# the image with every tag, and the images run.

CONTAINERD_DOCKER_HOST=$("$PROJECT/tools/docker-containerd.sh" env | sed -n 's/^DOCKER_HOST=//p')

# containerd_store_load TARGET TAG...: bazel run TARGET.load --tag TAG... into
# that engine. bazel run only writes the runner (--script_path), which runs
# here: tools/bazel runs programs where only the host engine's socket shows.
containerd_store_load() {
  local target=$1 script tag args=()
  shift
  script=$(dirname "$RELEASE")/e2e-load-$RUN_ID.sh
  for tag in "$@"; do args+=(--tag "$tag"); done
  (cd "$E2E" && "$BAZEL" run --ui_event_filters=-info --noshow_progress --script_path="$script" "$target.load")
  DOCKER_HOST=$CONTAINERD_DOCKER_HOST "$script" "${args[@]}" >/dev/null
  rm -f "$script"
}

step_containerd_store() {
  log "loading into Docker with the containerd image store"
  "$PROJECT/tools/docker-containerd.sh" start
  local target want tags
  for target in image:"Hello from the e2e workspace on linux/amd64" multi:"on linux/amd64, as nonroot!"; do
    want=${target#*:}
    tags=("goimage-test-rules/e2e-cs-${target%%:*}:a$RUN_ID" "goimage-test-rules/e2e-cs-${target%%:*}:b$RUN_ID")
    containerd_store_load "//app:${target%%:*}" "${tags[@]}"
    check DockerImage DOCKER_HOST="$CONTAINERD_DOCKER_HOST" E2E_IMAGES="${tags[*]}" \
      E2E_TARBALL="$E2E/bazel-bin/app/${target%%:*}.tar"
    ok "//app:${target%%:*}.load named ${tags[*]} with the digest that was built"
    DOCKER_HOST=$CONTAINERD_DOCKER_HOST run_image "${tags[1]}" "$want"
    DOCKER_HOST=$CONTAINERD_DOCKER_HOST docker rmi --force "${tags[@]}" >/dev/null
  done
}
