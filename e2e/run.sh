#!/usr/bin/env bash
# End-to-end test of rules_goimage, used as a module by other workspaces, with
# a real registry (Debian's docker-registry) and the running Docker engine:
#
#   * this workspace (e2e/) builds images on scratch, on an OCI layout
#     directory, on a docker save tarball and on a two-platform go_image;
#   * :image.push pushes to a registry on 127.0.0.1, and the multi-platform
#     image's index lists linux/amd64 and linux/arm64, each with a binary of
#     that architecture and its SBOM (sbom = True) pushed beside it;
#   * with --stamp, tags and labels take workspace status values, and
#     without it they stay as written;
#   * :image.load loads into Docker, where the images run (:on_layout.run loads
#     and runs one with an option of docker run), and into Docker 28
#     with the containerd image store (e2e/containerd_store.sh), keeping the
#     built digests;
#   * a second workspace (e2e/pull, copied and filled in with this run's
#     registries and digests) pulls the pushed images back with goimage.pull
#     (by digest; without one it must be refused with the digest to pin), and
#     takes bases that real tools wrote just now through goimage.local:
#     docker build + docker save (plain and gzipped), crane pull
#     --format=tarball, skopeo copy oci:, and the scenario rules_goimage
#     exists for: a two-platform image pulled for linux/amd64 into a
#     containerd of the test's own and exported by it (what docker save does
#     on Docker 25+ with the containerd image store), which builds and runs
#     for linux/amd64 and is refused for linux/arm64 with the fix; its
#     images run too;
#   * image tarballs given as base labels (docker save, crane, skopeo
#     oci-archive) build images that run; a push to a repository named by
#     the workspace status, with --stamp;
#   * a release set, pushed in one run with signatures made from a cosign key
#     pair, which the unmodified cosign verifies (and refuses for another
#     key or a moved tag), with its SLSA provenance and SBOM attestations,
#     and YAML that goimage_resolve pinned to the pushed digests at build time;
#   * a script given as an image's binary is refused, and so are a user the
#     base lacks and a cgo binary on a base without the C library;
#   * the same against a registry with htpasswd auth: credentials from docker
#     config.json, refused without them, never printed; goimage.pull also with
#     credentials from a credential helper (docker-credential-NAME on PATH);
#   * against a registry that hands out bearer tokens, as Docker Hub, GHCR and
#     GCR do (docker-registry with a token service): push with a token for the
#     user's password, goimage.pull of a public repository anonymously and of
#     a private one with the user's token, refused without credentials;
#   * goimage.local of a layout that lacks a blob, or whose blob is damaged,
#     fails with a message naming the blob.
#
# This script drives Bazel; tools/assembler/internal/e2echeck checks what it
# built, pushed and loaded (check NAME runs its Go test TestNAME). The steps
# against registries with auth are in e2e/auth.sh, the pull workspace's in
# e2e/pull.sh, the containerd image store's in e2e/containerd_store.sh.
# tools/run_tests.sh runs it as its e2e step; it installs what it lacks.
set -euo pipefail

E2E=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PROJECT=$(dirname "$E2E")
BAZEL=$PROJECT/tools/bazel
RUN_ID=$$
WORK=$(mktemp -d "${TMPDIR:-/tmp}/goimage-e2e.XXXXXX")
# Files that `bazel run` targets read and write: the signing key and the refs
# files. tools/bazel shows its output root at the same path to what it runs.
RELEASE=${BAZEL_OFFLINE_ROOT:-/opt/bazel-offline}/output/e2e-release-$RUN_ID
# A fixed path, so that its Bazel output base is reused from run to run.
PULL_WS=${TMPDIR:-/tmp}/rules_goimage-e2e-pull
CHECKS=$WORK/e2echeck.test
DOCKER_TAGS=()
USER_NAME=e2e-pusher
PASSWORD=e2e-Pa55-$RANDOM$RANDOM
# user:password as docker config.json keeps it.
CREDENTIALS=$(printf '%s:%s' "$USER_NAME" "$PASSWORD" | base64 -w0)
# shellcheck source=tools/testlib.sh
. "$PROJECT/tools/testlib.sh"

log() { printf '\n--- e2e: %s\n' "$*"; }
ok() { printf 'ok: %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

cleanup() {
  local registry tag
  for registry in plain auth token; do stop_registry "$WORK/$registry"; done
  [ -f "$WORK/containerd/containerd.pid" ] && kill "$(cat "$WORK/containerd/containerd.pid")" 2>/dev/null || true
  for tag in "${DOCKER_TAGS[@]}"; do docker rmi --force "$tag" >/dev/null 2>&1 || true; done
  [ -d "$PULL_WS" ] && (cd "$PULL_WS" && "$BAZEL" shutdown >/dev/null 2>&1 || true)
  (cd "$E2E" && "$BAZEL" shutdown >/dev/null 2>&1 || true)
  rm -rf "$WORK" "$RELEASE"
}
trap cleanup EXIT

install_prerequisites() {
  command -v cosign >/dev/null || fail "cosign is not on PATH: go install $COSIGN (tools/run_tests.sh e2e does)"
  apt_install skopeo:skopeo jq:jq containerd:containerd
  docker version >/dev/null || fail "no Docker engine answers (docker version); the e2e test needs a running one"
  (cd "$PROJECT" && go test -tags e2e -c -o "$CHECKS" ./tools/assembler/internal/e2echeck)
}

# check NAME VAR=VALUE...: the Go test TestNAME of e2echeck, with the paths
# and references it checks in its environment; it must run and pass, and
# what it logs is shown.
check() {
  local name=Test$1 out
  shift
  out=$(env "$@" "$CHECKS" -test.run "^$name\$" -test.v 2>&1) || fail "$name: $out"
  grep -q "^--- PASS: $name " <<<"$out" || fail "$name did not run: $out"
  sed -n 's/^ *[a-z_]*_test\.go:[0-9]*: /ok: /p' <<<"$out"
}

# run_image TAG WANT [docker run args...]: runs the image and checks its output.
run_image() {
  local tag=$1 want=$2 out
  shift 2
  out=$(docker run --rm "$@" "$tag" 2>&1) || fail "docker run $tag: $out"
  grep -qF "$want" <<<"$out" || fail "docker run $tag printed \"$out\", not \"$want\""
  ok "docker run $tag: $out"
}

# bazel_run DIR TARGET ARGS...: bazel run, printing only the program's stdout.
bazel_run() {
  local dir=$1
  shift
  (cd "$dir" && "$BAZEL" run --ui_event_filters=-info,-stdout --noshow_progress "$@")
}

# load_and_run DIR TARGET TAG WANT [docker run args...]
load_and_run() {
  local dir=$1 target=$2 tag=$3 want=$4
  shift 4
  DOCKER_TAGS+=("$tag")
  bazel_run "$dir" "$target.load" >/dev/null
  run_image "$tag" "$want" "$@"
}

push() { bazel_run "$E2E" "$@" | tail -1; }

step_build() {
  log "building the e2e workspace"
  (cd "$E2E" && "$BAZEL" build //...)
}

step_push() {
  log "pushing to $REGISTRY"
  local first second
  first=$(push //app:image.push -- --repository "$REGISTRY/e2e/hello" --tag v1 --tag latest)
  second=$(push //app:image.push -- --repository "$REGISTRY/e2e/hello" --tag v1)
  check Push E2E_TARBALL="$E2E/bazel-bin/app/image.tar" E2E_REPOSITORY="$REGISTRY/e2e/hello" \
    E2E_PUSHED="$first $second" E2E_TAGS="v1 latest"
  ok "pushing again gives the same reference"
  HELLO_DIGEST=${first#*@}
  MULTI_DIGEST=$(push //app:multi.push -- --repository "$REGISTRY/e2e/multi" --tag v1)
  MULTI_DIGEST=${MULTI_DIGEST#*@}
  check Index E2E_INDEX="$REGISTRY/e2e/multi@$MULTI_DIGEST"
}

step_stamp() {
  log "stamping"
  local stamped repository
  check Unstamped E2E_TARBALL="$E2E/bazel-bin/app/stamped.tar"
  stamped=$(push --stamp //app:stamped.push -- --repository "$REGISTRY/e2e/stamped")
  repository=$(push --stamp --workspace_status_command="app/status.sh $REGISTRY" //app:stamped_repository.push)
  check Stamp E2E_STAMPED="$stamped" E2E_STAMPED_REPOSITORY="$REGISTRY/e2e/stamped-repository" \
    E2E_STAMPED_REPOSITORY_REF="$repository"
}

# step_release pushes the release set, signed with a cosign key pair made by
# cosign; e2echeck's TestRelease checks what cosign verifies, and that the
# YAML goimage_resolve pinned at build time names what was pushed.
step_release() {
  log "a signed release, and its manifests resolved before the push"
  local stamp=(--stamp "--workspace_status_command=app/status.sh $REGISTRY")
  mkdir -p "$RELEASE/other"
  (cd "$RELEASE" && COSIGN_PASSWORD=e2e cosign generate-key-pair >/dev/null 2>&1 &&
    cd other && COSIGN_PASSWORD=other cosign generate-key-pair >/dev/null 2>&1) || fail "cosign generate-key-pair"
  echo e2e >"$RELEASE/password"
  (cd "$E2E" && "$BAZEL" build "${stamp[@]}" //app:deploy)
  bazel_run "$E2E" "${stamp[@]}" //app:release -- --sign-key "$RELEASE/cosign.key" \
    --sign-key-password-file "$RELEASE/password" --refs-text "$RELEASE/refs.txt" >"$WORK/release.log" 2>&1 ||
    fail "the release failed: $(cat "$WORK/release.log")"
  check Release E2E_RELEASE="$RELEASE" E2E_DEPLOY="$E2E/bazel-bin/app/deploy/deploy.yaml" \
    E2E_UNSIGNED="$REGISTRY/e2e/hello@$HELLO_DIGEST"
}

step_load() {
  log "loading into Docker"
  load_and_run "$E2E" //app:image goimage-test-rules/e2e-hello:latest "Hello from the e2e workspace on linux/amd64"
  load_and_run "$E2E" //app:on_layout goimage-test-rules/e2e-layout:latest "as nonroot!"
  load_and_run "$E2E" //app:on_tarball goimage-test-rules/e2e-tarball:latest "as nonroot!"
  load_and_run "$E2E" //app:multi goimage-test-rules/e2e-multi:latest "on linux/amd64, as nonroot!"
  DOCKER_TAGS+=(goimage-test-rules/e2e-multi-arm64:latest)
  bazel_run "$E2E" //app:multi.load -- --platform linux/arm64 --tag goimage-test-rules/e2e-multi-arm64:latest >/dev/null
  check DockerImage E2E_IMAGES=goimage-test-rules/e2e-multi-arm64:latest E2E_ARCHITECTURE=arm64
  ok "multi.load --platform linux/arm64 loads the arm64 image"
  # .run loads and runs: the words after -- are options of docker run.
  local out
  out=$(bazel_run "$E2E" //app:on_layout.run -- --user 4242) || fail "on_layout.run: $out"
  grep -qF "as an unnamed user!" <<<"$out" || fail "on_layout.run -- --user 4242 printed \"$out\", not \"as an unnamed user!\""
  ok "on_layout.run -- --user 4242: $out"
}

# shellcheck source=e2e/containerd_store.sh
. "$E2E/containerd_store.sh"
# shellcheck source=e2e/auth.sh
. "$E2E/auth.sh"
# shellcheck source=e2e/pull.sh
. "$E2E/pull.sh"

main() {
  install_prerequisites
  step_build
  REGISTRY=$(start_registry "$WORK/plain")
  AUTH_REGISTRY=$(start_registry "$WORK/auth" htpasswd "$USER_NAME" "$PASSWORD")
  TOKEN_REGISTRY=$(start_registry "$WORK/token" token "$USER_NAME" "$PASSWORD")
  step_push
  step_stamp
  step_release
  step_load
  step_containerd_store
  step_auth
  step_token_push
  step_pull
  step_real_tool_bases
  step_not_a_go_binary
  step_checks
  step_pull_with_credential_helper
  step_pull_with_tokens
  step_broken_bases
  log "all end-to-end checks passed"
}

main "$@"
