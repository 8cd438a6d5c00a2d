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
#   * :image.load loads into Docker, where the images run, and into Docker 28
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
DOCKER_TAGS=()
USER_NAME=e2e-pusher
PASSWORD=e2e-Pa55-$RANDOM$RANDOM
# user:password as docker config.json keeps it.
CREDENTIALS=$(printf '%s:%s' "$USER_NAME" "$PASSWORD" | base64 -w0)

log() { printf '\n--- e2e: %s\n' "$*"; }
ok() { printf 'ok: %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

cleanup() {
  local pidfile tag
  # start_registry runs in a $(...) subshell, so the pids are kept in files.
  for pidfile in "$WORK"/*/*.pid; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  for tag in "${DOCKER_TAGS[@]}"; do docker rmi --force "$tag" >/dev/null 2>&1 || true; done
  [ -d "$PULL_WS" ] && (cd "$PULL_WS" && "$BAZEL" shutdown >/dev/null 2>&1 || true)
  (cd "$E2E" && "$BAZEL" shutdown >/dev/null 2>&1 || true)
  rm -rf "$WORK" "$RELEASE"
}
trap cleanup EXIT

install_prerequisites() {
  local missing=() pair
  command -v cosign >/dev/null || fail "cosign is not on PATH: go install github.com/sigstore/cosign/v2/cmd/cosign@v2.6.5 (tools/run_tests.sh e2e does)"
  for pair in docker-registry:docker-registry htpasswd:apache2-utils skopeo:skopeo jq:jq curl:curl containerd:containerd; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  docker version >/dev/null || fail "no Docker engine answers (docker version); the e2e test needs a running one"
}

free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# start_registry NAME [USER PASSWORD]: starts docker-registry on 127.0.0.1 and
# prints its host:port. With USER and PASSWORD it asks for them (htpasswd); a
# registry named token sends clients to a token service for bearer tokens,
# which it gives for USER's PASSWORD (and anonymously for pulls of public/...).
start_registry() {
  local dir=$WORK/$1 port
  port=$(free_port)
  mkdir -p "$dir"
  [ "$1" = token ] && start_token_service "$dir" "$2" "$3"
  {
    printf 'version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: %s/data\n' "$dir"
    printf 'http:\n  addr: 127.0.0.1:%s\n' "$port"
    if [ "$1" = token ]; then
      cat "$dir/auth.yml"
    elif [ $# -gt 1 ]; then
      htpasswd -Bbn "$2" "$3" >"$dir/htpasswd"
      printf 'auth:\n  htpasswd:\n    realm: e2e\n    path: %s/htpasswd\n' "$dir"
    fi
  } >"$dir/config.yml"
  docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
  echo $! >"$dir/registry.pid"
  for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && { echo "127.0.0.1:$port"; return; }
    sleep 0.1
  done
  fail "docker-registry $1 did not start; its log: $(cat "$dir/log")"
}

# start_token_service DIR USER PASSWORD: starts the token service the
# assembler's Go tests use, which writes DIR/auth.yml for the registry.
start_token_service() {
  local dir=$1
  (cd "$PROJECT" && go build -o "$WORK/tokenserver" ./tools/assembler/internal/testenv/cmd/tokenserver)
  "$WORK/tokenserver" -dir "$dir" -user "$2" -password "$3" >"$dir/tokenserver.out" 2>&1 &
  echo $! >"$dir/tokenserver.pid"
  for _ in $(seq 100); do
    [ -s "$dir/auth.yml" ] && return
    sleep 0.1
  done
  fail "the token service did not start: $(cat "$dir/tokenserver.out")"
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

# elf_machine REPO DIGEST PATH: the ELF machine of PATH in an image's top layer.
elf_machine() {
  local repo=$1 digest=$2 path=$3 layer
  layer=$(skopeo inspect --raw --tls-verify=false "docker://$repo@$digest" | jq -r '.layers[-1].digest')
  curl -sf -o "$WORK/layer.tar.gz" "http://${repo%%/*}/v2/${repo#*/}/blobs/$layer"
  tar -xzOf "$WORK/layer.tar.gz" --wildcards "*$path" >"$WORK/binary"
  od -An -tu2 -j18 -N2 "$WORK/binary" | tr -d ' '
}

check_index() {
  local repo=$1 digest=$2 platforms manifest machine
  platforms=$(skopeo inspect --raw --tls-verify=false "docker://$repo@$digest" |
    jq -r '.manifests[].platform | "\(.os)/\(.architecture)"' | sort | tr '\n' ' ')
  [ "$platforms" = "linux/amd64 linux/arm64 " ] || fail "the index lists $platforms, want linux/amd64 linux/arm64"
  ok "the index $repo@$digest lists $platforms"
  # ELF e_machine: 62 is x86-64, 183 is AArch64.
  for pair in amd64:62 arm64:183; do
    manifest=$(skopeo inspect --raw --tls-verify=false "docker://$repo@$digest" |
      jq -r --arg a "${pair%%:*}" '.manifests[] | select(.platform.architecture == $a) | .digest')
    machine=$(elf_machine "$repo" "$manifest" app/hello_e2e)
    [ "$machine" = "${pair#*:}" ] || fail "the ${pair%%:*} image's binary has ELF machine $machine, want ${pair#*:}"
    ok "the ${pair%%:*} image's /app/hello_e2e is an ELF binary for machine ${pair#*:}"
    check_sbom "$repo" "$manifest"
  done
}

# check_sbom REPO DIGEST: the image's SBOM was pushed, and the registry (which
# has no referrers API) lists it under the fallback tag sha256-<hex>.
check_sbom() {
  local repo=$1 digest=$2 sbom
  sbom=$(skopeo inspect --raw --tls-verify=false "docker://$repo:sha256-${digest#sha256:}" |
    jq -r '.manifests[] | select(.artifactType == "application/spdx+json") | .digest')
  [ -n "$sbom" ] || fail "no SBOM refers to $repo@$digest"
  skopeo inspect --raw --tls-verify=false "docker://$repo@$sbom" | jq -e --arg d "$digest" '.subject.digest == $d' >/dev/null ||
    fail "the SBOM $sbom does not name $digest as its subject"
  ok "the SBOM $sbom of $digest was pushed with it"
}

push() { bazel_run "$E2E" "$@" | tail -1; }

step_build() {
  log "building the e2e workspace"
  (cd "$E2E" && "$BAZEL" build //...)
}

step_push() {
  log "pushing to $REGISTRY"
  local ref digest
  ref=$(push //app:image.push -- --repository "$REGISTRY/e2e/hello" --tag v1 --tag latest)
  digest=$(skopeo inspect "oci-archive:$E2E/bazel-bin/app/image.tar" | jq -r .Digest)
  [ "$ref" = "$REGISTRY/e2e/hello@$digest" ] || fail "push printed $ref, want $REGISTRY/e2e/hello@$digest"
  [ "$(skopeo inspect --tls-verify=false "docker://$REGISTRY/e2e/hello:v1" | jq -r .Digest)" = "$digest" ] ||
    fail "$REGISTRY/e2e/hello:v1 is not $digest"
  ok "pushed $ref, tagged v1 and latest"
  HELLO_DIGEST=$digest
  ref=$(push //app:image.push -- --repository "$REGISTRY/e2e/hello" --tag v1)
  [ "$ref" = "$REGISTRY/e2e/hello@$digest" ] || fail "a second push printed $ref"
  ok "pushing again gives the same reference"

  ref=$(push //app:multi.push -- --repository "$REGISTRY/e2e/multi" --tag v1)
  MULTI_DIGEST=${ref#*@}
  check_index "$REGISTRY/e2e/multi" "$MULTI_DIGEST"
}

step_stamp() {
  log "stamping"
  local label ref tags
  label=$(skopeo inspect --config "oci-archive:$E2E/bazel-bin/app/stamped.tar" | jq -r '.config.Labels["built.by"]')
  [ "$label" = "{BUILD_USER}" ] || fail "without --stamp the label is $label, want {BUILD_USER} as written"
  ok "without --stamp, labels stay as written"
  ref=$(push --stamp //app:stamped.push -- --repository "$REGISTRY/e2e/stamped")
  label=$(skopeo inspect --config --tls-verify=false "docker://$ref" | jq -r '.config.Labels["built.by"]')
  [ "$label" = "$(id -un)" ] || fail "with --stamp the label is $label, want $(id -un)"
  tags=$(skopeo list-tags --tls-verify=false "docker://$REGISTRY/e2e/stamped" | jq -r '.Tags[]')
  grep -qE '^build-[0-9]+$' <<<"$tags" || fail "with --stamp the pushed tags are $tags, want build-<timestamp>"
  ok "with --stamp, the label is $label and $ref is tagged $tags"

  ref=$(push --stamp --workspace_status_command="app/status.sh $REGISTRY" //app:stamped_repository.push)
  [[ "$ref" == "$REGISTRY/e2e/stamped-repository@sha256:"* ]] ||
    fail "the push to a stamped repository printed $ref, want $REGISTRY/e2e/stamped-repository@sha256:..."
  skopeo inspect --tls-verify=false "docker://$REGISTRY/e2e/stamped-repository:v1" >/dev/null ||
    fail "$REGISTRY/e2e/stamped-repository:v1 is not in the registry"
  ok "with --stamp, repository = \"{STABLE_E2E_REGISTRY}/e2e/stamped-repository\" pushed to $ref"
}

step_load() {
  log "loading into Docker"
  load_and_run "$E2E" //app:image goimage-test-rules/e2e-hello:latest "Hello from the e2e workspace on linux/amd64"
  load_and_run "$E2E" //app:on_layout goimage-test-rules/e2e-layout:latest "as nonroot!"
  load_and_run "$E2E" //app:on_tarball goimage-test-rules/e2e-tarball:latest "as nonroot!"
  load_and_run "$E2E" //app:multi goimage-test-rules/e2e-multi:latest "on linux/amd64, as nonroot!"
  DOCKER_TAGS+=(goimage-test-rules/e2e-multi-arm64:latest)
  bazel_run "$E2E" //app:multi.load -- --platform linux/arm64 --tag goimage-test-rules/e2e-multi-arm64:latest >/dev/null
  [ "$(docker image inspect --format '{{.Architecture}}' goimage-test-rules/e2e-multi-arm64:latest)" = arm64 ] ||
    fail "multi.load --platform linux/arm64 did not load the arm64 image"
  ok "multi.load --platform linux/arm64 loads the arm64 image"
}

# docker_login DIR REGISTRY: DIR/config.json holds the e2e user's password for
# REGISTRY, as docker login writes it.
docker_login() {
  mkdir -p "$1"
  printf '{"auths": {"%s": {"auth": "%s"}}}\n' "$2" "$CREDENTIALS" >"$1/config.json"
}

step_auth() {
  log "pushing to $AUTH_REGISTRY, which asks for a password"
  local out
  mkdir -p "$WORK/no-credentials"
  docker_login "$WORK/docker-config" "$AUTH_REGISTRY"
  if out=$(DOCKER_CONFIG=$WORK/no-credentials bazel_run "$E2E" //app:image.push -- --repository "$AUTH_REGISTRY/e2e/private" 2>&1); then
    fail "a push without credentials succeeded"
  fi
  grep -qiE "unauthorized|401" <<<"$out" || fail "a push without credentials failed without saying so: $out"
  ok "a push without credentials is refused"
  out=$(DOCKER_CONFIG=$WORK/docker-config bazel_run "$E2E" //app:image.push -- --repository "$AUTH_REGISTRY/e2e/private" --tag v1 2>&1)
  grep -qF "$PASSWORD" <<<"$out" && fail "the push printed the password"
  grep -qF "$CREDENTIALS" <<<"$out" && fail "the push printed the credentials"
  PRIVATE_DIGEST=$(tail -1 <<<"$out")
  PRIVATE_DIGEST=${PRIVATE_DIGEST#*@}
  ok "pushed with the credentials of docker config.json: $(tail -1 <<<"$out")"
}

step_token_push() {
  log "pushing to $TOKEN_REGISTRY, which hands out bearer tokens"
  local ref
  docker_login "$WORK/token-config" "$TOKEN_REGISTRY"
  if DOCKER_CONFIG=$WORK/no-credentials push //app:image.push -- --repository "$TOKEN_REGISTRY/public/hello" >/dev/null 2>&1; then
    fail "an anonymous push to $TOKEN_REGISTRY succeeded"
  fi
  ok "an anonymous push is refused"
  for repo in public/hello private/hello; do
    ref=$(DOCKER_CONFIG=$WORK/token-config push //app:image.push -- --repository "$TOKEN_REGISTRY/$repo")
    ok "pushed $ref with a token for $USER_NAME"
  done
  TOKEN_DIGEST=${ref#*@}
}

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
  tar -xOf "$PULL_WS/bases/ctr-export-amd64.tar" index.json | jq -e '.manifests[0].mediaType | test("index")' >/dev/null ||
    fail "the containerd export's index.json does not point to an index"
  ok "containerd exported the linux/amd64 image of $REGISTRY/e2e/multi:v1, its index.json pointing to the two-platform index"
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
  (cd "$PULL_WS" && DOCKER_CONFIG=$WORK/docker-config "$BAZEL" build //...)
  ok "goimage.pull fetched the pushed images, by digest, from both registries"
  # The base's own binary, from the pulled layers, runs under the new image's.
  load_and_run "$PULL_WS" //:on_pulled goimage-test-rules/e2e-on-pulled:latest "Hello from the e2e workspace" --entrypoint /app/hello_e2e
  run_image goimage-test-rules/e2e-on-pulled:latest "Hello from the e2e workspace"
  local base_name
  base_name=$(skopeo inspect --raw "oci-archive:$PULL_WS/bazel-bin/on_pulled.tar" | jq -r '.annotations["org.opencontainers.image.base.name"]')
  [ "$base_name" = "$REGISTRY/e2e/hello" ] || fail "the image on the pulled base names its base $base_name, want $REGISTRY/e2e/hello"
  ok "the image on the pulled base names it: org.opencontainers.image.base.name = $base_name"
  DOCKER_CONFIG=$WORK/docker-config load_and_run "$PULL_WS" //:on_private goimage-test-rules/e2e-on-private:latest "Hello from the e2e workspace"
  local arch
  arch=$(skopeo inspect --config "oci-archive:$PULL_WS/bazel-bin/on_pulled_arm64.tar" | jq -r .architecture)
  [ "$arch" = arm64 ] || fail "the image on the arm64 base of an index is for $arch"
  ok "the arm64 image took the arm64 manifest of the pulled index"

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

# step_release pushes the release set, signed with a cosign key pair made
# by cosign, and checks what cosign verifies, and that the YAML that
# goimage_resolve pinned at build time names what was pushed.
step_release() {
  log "a signed release, and its manifests resolved before the push"
  local stamp=(--stamp "--workspace_status_command=app/status.sh $REGISTRY") refs ref deploy
  mkdir -p "$RELEASE/other"
  (cd "$RELEASE" && COSIGN_PASSWORD=e2e cosign generate-key-pair >/dev/null 2>&1 &&
    cd other && COSIGN_PASSWORD=other cosign generate-key-pair >/dev/null 2>&1) || fail "cosign generate-key-pair"
  echo e2e >"$RELEASE/password"
  (cd "$E2E" && "$BAZEL" build "${stamp[@]}" //app:deploy)
  deploy=$E2E/bazel-bin/app/deploy/deploy.yaml
  bazel_run "$E2E" "${stamp[@]}" //app:release -- --sign-key "$RELEASE/cosign.key" \
    --sign-key-password-file "$RELEASE/password" --refs-text "$RELEASE/refs.txt" >"$WORK/release.log" 2>&1 ||
    fail "the release failed: $(cat "$WORK/release.log")"
  [ "$(wc -l <"$RELEASE/refs.txt")" = 2 ] || fail "the refs file lists $(wc -l <"$RELEASE/refs.txt") images, want 2: $(cat "$RELEASE/refs.txt")"
  ok "the release pushed 2 images, signed: $(tr '\n' ' ' <"$RELEASE/refs.txt")"
  while read -r _ ref; do
    grep -qF "$ref" "$deploy" || fail "the resolved $deploy does not name the pushed $ref: $(cat "$deploy")"
    verify "$ref" cosign.pub || fail "cosign verify of $ref with the release key failed: $(cat "$WORK/verify.log")"
    ! verify "$ref" other/cosign.pub || fail "cosign verify of $ref passed with another key"
  done <"$RELEASE/refs.txt"
  ok "goimage_resolve pinned both images at build time to the digests pushed; cosign verify passes with the release key and fails with another"

  ref=$(grep release-multi "$RELEASE/refs.txt" | cut -d' ' -f2)
  for platform_digest in $(skopeo inspect --raw --tls-verify=false "docker://$ref" | jq -r '.manifests[].digest'); do
    verify "${ref%@*}@$platform_digest" cosign.pub || fail "the platform image $platform_digest is not signed"
    verify_attestation "${ref%@*}@$platform_digest" slsaprovenance1 ||
      fail "cosign verify-attestation --type slsaprovenance1 of $platform_digest failed: $(cat "$WORK/verify.log")"
    verify_attestation "${ref%@*}@$platform_digest" spdxjson ||
      fail "cosign verify-attestation --type spdxjson of $platform_digest failed: $(cat "$WORK/verify.log")"
  done
  ok "each platform image of the index is signed, and its SLSA provenance and SBOM attestations verify"

  # Tampering: the tag moved to an image the release key never signed.
  skopeo copy --quiet --dest-tls-verify=false "docker://$REGISTRY/e2e/hello@$HELLO_DIGEST" "docker://$REGISTRY/e2e/release-multi:v1" --src-tls-verify=false
  ! verify "$REGISTRY/e2e/release-multi:v1" cosign.pub || fail "cosign verify passed for an image the release did not sign"
  ok "after the tag moved to an unsigned image, cosign verify fails"
}

# verify REF KEY: cosign verify of REF with $WORK/KEY, offline (no
# transparency log), output in $WORK/verify.log.
verify() {
  (cd "$RELEASE" && cosign verify --key "$2" --allow-http-registry --insecure-ignore-tlog=true "$1") >"$WORK/verify.log" 2>&1
}

# verify_attestation REF TYPE: cosign verify-attestation with the release key.
verify_attestation() {
  (cd "$RELEASE" && cosign verify-attestation --key cosign.pub --type "$2" --allow-http-registry --insecure-ignore-tlog=true "$1") >"$WORK/verify.log" 2>&1
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

step_pull_with_credential_helper() {
  log "goimage.pull with credentials from a credential helper"
  local config=$WORK/helper-config
  mkdir -p "$config/bin"
  sed -e "s|@AUTH_REGISTRY@|$AUTH_REGISTRY|g" -e "s|@USER@|$USER_NAME|g" -e "s|@PASSWORD@|$PASSWORD|g" \
    "$E2E/pull/docker-credential-e2e.in" >"$config/bin/docker-credential-e2e"
  chmod +x "$config/bin/docker-credential-e2e"
  printf '{"credHelpers": {"%s": "e2e"}}\n' "$AUTH_REGISTRY" >"$config/config.json"

  DOCKER_CONFIG=$WORK/no-credentials expect_failure //:on_private_helper "UNAUTHORIZED" "docker login $AUTH_REGISTRY"
  ok "goimage.pull from a registry that asks for a password, without credentials, is refused"
  DOCKER_CONFIG=$config expect_failure //:on_private_helper "docker-credential-e2e is not on PATH"
  ok "a credential helper that is not installed is named"
  (cd "$PULL_WS" && DOCKER_CONFIG=$config PATH=$config/bin:$PATH "$BAZEL" build //:on_private_helper)
  ok "goimage.pull fetched $AUTH_REGISTRY/e2e/private with the credentials of docker-credential-e2e"
}

step_pull_with_tokens() {
  log "goimage.pull from $TOKEN_REGISTRY, which hands out bearer tokens"
  (cd "$PULL_WS" && DOCKER_CONFIG=$WORK/no-credentials "$BAZEL" build //:on_token_public)
  ok "goimage.pull of $TOKEN_REGISTRY/public/hello with an anonymous token"
  DOCKER_CONFIG=$WORK/no-credentials expect_failure //:on_token_private "UNAUTHORIZED" "docker login $TOKEN_REGISTRY"
  ok "goimage.pull of $TOKEN_REGISTRY/private/hello without credentials is refused"
  DOCKER_CONFIG=$WORK/token-config load_and_run "$PULL_WS" //:on_token_private goimage-test-rules/e2e-on-token-private:latest "Hello from the e2e workspace"
  ok "goimage.pull of $TOKEN_REGISTRY/private/hello with a token for $USER_NAME"
}

# shellcheck source=e2e/containerd_store.sh
. "$E2E/containerd_store.sh"

main() {
  install_prerequisites
  step_build
  REGISTRY=$(start_registry plain)
  AUTH_REGISTRY=$(start_registry auth "$USER_NAME" "$PASSWORD")
  TOKEN_REGISTRY=$(start_registry token "$USER_NAME" "$PASSWORD")
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
