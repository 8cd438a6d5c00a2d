#!/usr/bin/env bash
# Runs the whole test suite of rules_goimage, on a fresh machine too: it
# installs what it needs (Debian packages, Bazel through tools/bazel) itself.
#
#   ./tools/run_tests.sh            every step
#   ./tools/run_tests.sh go bazel   only the named steps
#
# Steps: go (gofmt, vet, staticcheck, deadcode, test), fuzz (every fuzz target, briefly), buildifier, bazel (bazel test //... and the
# examples), docker (load and run the example image), reproducible (the
# example image built in a second output base, without caches, is
# byte-identical), gazelle (the BUILD files are what Gazelle writes, and the
# images it wrote in examples/gazelle build and run), gazelle_bench (Gazelle
# on a synthetic monorepo with and without the goimage language), e2e (the
# e2e/ workspace against a real registry and Docker, see e2e/run.sh; modules
# that use rules_goimage, see e2e/consumers/run.sh; the SBOM's versions
# against go build's, see e2e/sbom/run.sh), remote
# (every image action ready for remote execution, by bazel aquery, and a real
# HTTP remote cache, nginx: see e2e/remote/run.sh). On demand only: bench (the
# assembler against ko and crane, timed side by side; see docs/assembler.md)
# and bench_rules (a one-line edit to an image under Bazel, on bases of 10 MB
# to 1 GB, against ko, crane and go build; see docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT_DIR=$(pwd -P)

# apt_install, go_tool, and the versions of crane, ko and cosign.
# shellcheck source=tools/testlib.sh
. "$ROOT_DIR/tools/testlib.sh"
BUILDIFIER=github.com/bazelbuild/buildtools/buildifier@v0.0.0-20260904073137-eaa4d125b423
STEPS=("$@")
[ ${#STEPS[@]} -gt 0 ] || STEPS=(go fuzz buildifier bazel docker reproducible gazelle gazelle_bench e2e remote)
# Each fuzz target runs this many inputs in the fuzz step (FUZZ_EXECS=1000000
# for a longer hunt). A count, not a duration: with a duration, Go 1.26's fuzz
# coordinator can fail a run that found nothing with "context deadline
# exceeded" when the machine is busy (golang/go#75804).
FUZZ_EXECS=${FUZZ_EXECS:-5000}
RESULTS=()
START=$SECONDS

log() { printf '\n=== %s\n' "$*"; }
bazel() { "$ROOT_DIR/tools/bazel" "$@"; }

step_go() {
  install_image_tools
  local unformatted
  unformatted=$(gofmt -l .)
  [ -z "$unformatted" ] || { echo "gofmt: run  gofmt -w $unformatted"; return 1; }
  go vet ./...
  go vet -tags e2e ./tools/assembler/internal/e2echeck
  "$(go_tool staticcheck "$STATICCHECK")" ./...
  local dead
  dead=$("$(go_tool deadcode "$DEADCODE")" -test ./...)
  [ -z "$dead" ] || { printf 'deadcode: nothing calls these; delete them:\n%s\n' "$dead"; return 1; }
  # The assembler and the Gazelle extension compile for the other hosts
  # users run Bazel on; their tests run on Linux.
  local host
  for host in darwin/amd64 darwin/arm64 windows/amd64 windows/arm64; do
    GOOS=${host%/*} GOARCH=${host#*/} go build ./tools/assembler/... ./language/... ||
      { echo "go build for $host failed: the assembler and the Gazelle extension must build for it"; return 1; }
  done
  # The quick loop the README gives (in-process registry, no engines), then
  # everything. A hung test fails its package after its timeout instead of
  # the whole run.
  go test -short -timeout 10m ./...
  go test -timeout 20m ./...
}

# The assembler's tests check images with tools we did not write and a real
# registry (as does the ko migration's digest pinning), read bases that
# containerd, skopeo, umoci, crane, ko and docker wrote, load into podman
# as well as docker, and verify signatures with cosign; they skip when one is missing (and fail under CI), so
# install them all here.
install_image_tools() {
  apt_install skopeo:skopeo umoci:umoci docker-registry:docker-registry htpasswd:apache2-utils podman:podman \
    containerd:containerd jq:jq zstd:zstd
  # A Docker 28 with the containerd image store, beside the machine's engine,
  # for the load tests (see tools/docker-containerd.sh; it needs root).
  [ "$(id -u)" != 0 ] || "$ROOT_DIR/tools/docker-containerd.sh" start
  go_tool ko "$KO" >/dev/null
  go_tool cosign "$COSIGN" >/dev/null
  PATH="$(dirname "$(go_tool crane "$CRANE")"):$PATH"
  export PATH
}

# step_fuzz runs every fuzz target of a parser of untrusted input briefly, on
# top of its seed corpus (testdata/fuzz), which go test runs anyway.
step_fuzz() {
  local target pkg name
  for target in \
    ./tools/assembler/store:FuzzArchive ./tools/assembler/store:FuzzLayoutFiles \
    ./tools/assembler/layer:FuzzParseDescriptor ./tools/assembler/layer:FuzzTarInput ./tools/assembler/cli:FuzzEntrySpecs \
    ./tools/assembler/stamp:FuzzStatus ./tools/assembler/platform:FuzzLookup \
    ./language/goimage:FuzzDirectiveValues ./language/goimage/komigrate:FuzzKoConfig \
    ./tools/assembler/gobinary:FuzzELF ./tools/assembler/fsindex:FuzzELFHead ./tools/assembler/resolve:FuzzResolveYAML \
    ./tools/assembler/cli:FuzzRefs ./tools/assembler/sign:FuzzKey ./tools/assembler/sign:FuzzSignerOutput; do
    pkg=${target%%:*} name=${target#*:}
    go test -run='^$' -fuzz="^$name\$" -fuzztime="${FUZZ_EXECS}x" -fuzzminimizetime=1000x "$pkg" >"${TMPDIR:-/tmp}/fuzz-$name.log" 2>&1 ||
      { cat "${TMPDIR:-/tmp}/fuzz-$name.log"; echo "fuzz: $name found a failing input (in $pkg/testdata/fuzz/$name); fix it and keep the input as a regression test"; return 1; }
    echo "fuzz: $name: $(grep -o 'execs: [0-9]*' "${TMPDIR:-/tmp}/fuzz-$name.log" | tail -1)"
  done
}

step_buildifier() {
  local buildifier
  buildifier=$(go_tool buildifier "$BUILDIFIER")
  # Every Starlark file the project owns, wherever it is.
  git ls-files -co --exclude-standard -- '*.bzl' '*.bazel' '*/BUILD' 'BUILD' '*.star' |
    xargs -d '\n' "$buildifier" -mode=check -lint=warn \
    || { echo "buildifier: run  $buildifier -lint=fix <files>  to fix the files above"; return 1; }
}

step_bazel() {
  bazel test //...
  bazel build //examples/...
}

# run_example_image loads the tarball of an example's image into Docker,
# runs it, and checks that its output holds WANT.
run_example_image() {
  local target=$1 want=$2 out image
  out=$(docker load -i "bazel-bin/${target#//}.tar" 2>&1) || { echo "$out"; return 1; }
  image=$(sed -n 's/^Loaded image: //p' <<<"$out" | tail -1)
  [ -n "$image" ] || { echo "docker load of $target named no image: $out"; return 1; }
  out=$(docker run --rm "$image" 2>&1)
  docker rmi "$image" >/dev/null
  echo "docker run $image ($target): $out"
  grep -qF "$want" <<<"$out" || { echo "$target did not print: $want"; return 1; }
}

step_docker() {
  # A static Go binary on scratch; a cgo binary on Debian's libc6; a
  # go_image as the base of another, with tar layers.
  bazel build //examples/hello:image //examples/cgo:image //examples/tar_layers:image
  run_example_image //examples/hello/image "Hello from rules_goimage!"
  run_example_image //examples/cgo/image "Hello from cgo, on glibc"
  run_example_image //examples/tar_layers/image "/etc/app/build-info.txt: written by a genrule"
}

step_reproducible() {
  # Inside $ROOT/output, which tools/bazel mounts at the same path in its chroot.
  local second=${BAZEL_OFFLINE_ROOT:-/opt/bazel-offline}/output/reproducibility-check-$$ a b
  bazel build //examples/hello:image
  a=$(sha256sum bazel-bin/examples/hello/image.tar | cut -d' ' -f1)
  rm -rf "$second"
  # A second output base, where the Go link and every image action run again
  # (the disk cache may serve the compilers and the assembler itself).
  bazel --output_base="$second" build \
    --modify_execution_info='GoLink=+no-cache,GoImage.*=+no-cache' \
    //examples/hello:image
  b=$(sha256sum "$(bazel --output_base="$second" info bazel-bin)/examples/hello/image.tar" | cut -d' ' -f1)
  bazel --output_base="$second" shutdown >/dev/null 2>&1 || true
  rm -rf "$second"
  echo "image.tar sha256: $a (first output base), $b (second output base)"
  [ "$a" = "$b" ] || { echo "the two builds differ"; return 1; }
}

step_gazelle() {
  local out image
  # -mode=diff prints what Gazelle would change and fails if anything.
  bazel run //:gazelle -- -mode=diff \
    || { echo "BUILD files differ from what Gazelle writes: run ./tools/bazel run //:gazelle and commit the result"; return 1; }
  echo "gazelle: every BUILD file is up to date"
  bazel build //examples/gazelle/...
  out=$(docker load -i bazel-bin/examples/gazelle/services/api/image.tar)
  image=$(sed -n 's/^Loaded image: //p' <<<"$out" | tail -1)
  [ -n "$image" ] || { echo "docker load named no image: $out"; return 1; }
  out="$(docker run --rm "$image") / $(docker run --rm --entrypoint /app/healthcheck "$image")"
  docker rmi "$image" >/dev/null
  echo "docker run $image, then its base's /app/healthcheck: $out"
  grep -q "api: serving" <<<"$out" || { echo "the generated image did not run its binary"; return 1; }
  grep -q "healthcheck: ok" <<<"$out" || { echo "the generated image lacks its base, the healthcheck image"; return 1; }
  # The release Gazelle keeps lists both services, and the YAML resolved at
  # build time names the digests the images have.
  local labels digest
  labels=$(jq -r '.images[].label' bazel-bin/examples/gazelle/services/release.release.json | tr '\n' ' ')
  [ "$labels" = "//examples/gazelle/services/api:image //examples/gazelle/services/worker:worker_image " ] ||
    { echo "the release Gazelle keeps lists $labels, want both services"; return 1; }
  for digest in services/api/image.digest services/worker/worker_image.digest; do
    grep -qF "@$(cat "bazel-bin/examples/gazelle/$digest")" bazel-bin/examples/gazelle/services/deploy/deploy.yaml ||
      { echo "deploy.yaml does not pin the digest of $digest"; return 1; }
  done
  echo "gazelle: the release lists both services; deploy.yaml pins both images by digest"
}

step_gazelle_bench() {
  # tmpfs, where there is one: the disk of a busy machine adds noise, not information.
  local dir=${TMPDIR:-/tmp}
  [ -d /dev/shm ] && [ -w /dev/shm ] && dir=/dev/shm
  go run ./language/goimage/internal/scalebench -dir "$dir"
}

step_bench() {
  "$ROOT_DIR/bench/assembler.sh"
}

step_e2e() {
  install_image_tools
  "$ROOT_DIR/e2e/run.sh"
  "$ROOT_DIR/e2e/consumers/run.sh"
  "$ROOT_DIR/e2e/sbom/run.sh"
  "$ROOT_DIR/e2e/concurrency/run.sh"
}

step_remote() {
  "$ROOT_DIR/e2e/remote/run.sh"
}

step_bench_rules() {
  "$ROOT_DIR/bench/run.sh"
}

run_step() {
  local name=$1 t0=$SECONDS rc
  log "$name"
  # A subshell outside any || list, so that set -e stops the step at its first failure.
  set +e
  (set -e; "step_$name")
  rc=$?
  set -e
  local took=$((SECONDS - t0))
  if [ $rc = 0 ]; then RESULTS+=("$name: ok (${took}s)"); else RESULTS+=("$name: FAILED (${took}s)"); fi
  return $rc
}

finish() {
  local rc=$?
  bazel shutdown >/dev/null 2>&1 || true
  log "summary"
  printf '  %s\n' "${RESULTS[@]}"
  local total=$((SECONDS - START))
  if [ $rc = 0 ]; then
    echo "TESTS PASSED: ${#RESULTS[@]} steps in $((total / 60))m$((total % 60))s"
  else
    echo "TESTS FAILED: ${RESULTS[-1]:-setup} after $((total / 60))m$((total % 60))s"
  fi
}
trap finish EXIT

for s in "${STEPS[@]}"; do
  declare -F "step_$s" >/dev/null || { echo "unknown step $s; steps: go fuzz buildifier bazel docker reproducible gazelle gazelle_bench e2e remote bench bench_rules"; exit 2; }
  run_step "$s"
done
