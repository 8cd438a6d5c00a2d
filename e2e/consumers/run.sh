#!/usr/bin/env bash
# rules_goimage used by other modules, and what it must leave alone in them:
#
#   * readme/: the MODULE.bazel of the README's Usage section, copied verbatim
#     (with a local_path_override to this checkout), in a module whose go.mod
#     requires an older klauspost/compress than the assembler's. go_deps must
#     keep that version (bazel mod show_repo) and print no upgrade; the image
#     builds on the README's goimage.local base and runs; ko2goimage runs as
#     `bazel run @rules_goimage//language/goimage/cmd/ko2goimage`; `bazel mod
#     tidy` works;
#   * ggcr/: a module whose Go module is github.com/google/go-containerregistry,
#     one of the modules the assembler is built from: it loads, and its image
#     builds and runs.
#
# tools/run_tests.sh runs it in its e2e step.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PROJECT=$(cd "$HERE/../.." && pwd -P)
BAZEL=$PROJECT/tools/bazel
# Fixed paths, so that their Bazel output bases are reused from run to run.
WS=${TMPDIR:-/tmp}/rules_goimage-consumers
WANT_COMPRESS=$(sed -n 's/^require github.com\/klauspost\/compress //p' "$HERE/readme/go.mod")

log() { printf '\n--- consumers: %s\n' "$*"; }
ok() { printf 'ok: %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

cleanup() {
  local ws
  for ws in "$WS"/*/; do (cd "$ws" && "$BAZEL" shutdown >/dev/null 2>&1 || true); done
  docker rmi --force goimage-test-rules/consumer:readme goimage-test-rules/consumer:ggcr >/dev/null 2>&1 || true
}
trap cleanup EXIT

# readme_module_bazel prints the first starlark block after "In your
# `MODULE.bazel`:" in the README, as it is written there.
readme_module_bazel() {
  awk '/^In your `MODULE.bazel`:/ {found = 1; next}
       found && /^```starlark/ {inside = 1; next}
       inside && /^```/ {exit}
       inside {print}' "$PROJECT/README.md"
}

# copy_workspace NAME: the checked-in workspace NAME, at $WS/NAME.
copy_workspace() {
  rm -rf "${WS:?}/$1"
  mkdir -p "$WS"
  cp -r "$HERE/$1" "$WS/$1"
}

build_and_run() {
  local ws=$1 target=$2 tag=$3 want=$4 out path
  (cd "$ws" && "$BAZEL" build "$target" 2>"$ws/build.log") || { tail -30 "$ws/build.log"; fail "bazel build $target in $ws"; }
  grep -q "implicitly updated to higher versions" "$ws/build.log" &&
    fail "go_deps upgraded a module of $ws: $(grep -A3 'implicitly updated' "$ws/build.log")"
  path=${target#//}
  path=${path/://}
  out=$(docker load -i "$ws/bazel-bin/${path#/}.tar" | tail -1)
  [ "$out" = "Loaded image: $tag" ] || fail "docker load of $target: $out"
  out=$(docker run --rm "$tag")
  grep -qF "$want" <<<"$out" || fail "docker run $tag printed \"$out\", not \"$want\""
  ok "docker run $tag: $out"
}

# linked_version WS REPO: the version of a go_deps repository, as Bazel fetches it.
linked_version() {
  (cd "$1" && "$BAZEL" mod show_repo "@$2" 2>/dev/null) | sed -n 's/^ *version = "\(.*\)",$/\1/p'
}

step_readme() {
  local ws=$WS/readme version
  log "the README's MODULE.bazel, in a module with an older klauspost/compress"
  copy_workspace readme
  { readme_module_bazel
    printf '\nlocal_path_override(\n    module_name = "rules_goimage",\n    path = "%s",\n)\n' "$PROJECT"
  } >"$ws/MODULE.bazel"
  mkdir -p "$ws/images"
  cp "$PROJECT/examples/custom_base/base/base.tar" "$ws/images/company_base.tar"
  build_and_run "$ws" //:image goimage-test-rules/consumer:readme "consumer: zstd round trip"
  version=$(linked_version "$ws" com_github_klauspost_compress)
  [ "$version" = "$WANT_COMPRESS" ] || fail "go_deps fetched klauspost/compress $version, not $WANT_COMPRESS as go.mod requires"
  ok "klauspost/compress stays at $version, as go.mod requires"
  (cd "$ws" && "$BAZEL" run @rules_goimage//language/goimage/cmd/ko2goimage -- -help >"$ws/ko2goimage.log" 2>&1) ||
    { tail -20 "$ws/ko2goimage.log"; fail "bazel run @rules_goimage//language/goimage/cmd/ko2goimage"; }
  ok "bazel run @rules_goimage//language/goimage/cmd/ko2goimage -- -help"
  cp "$ws/MODULE.bazel" "$ws/MODULE.bazel.before"
  (cd "$ws" && "$BAZEL" mod tidy >"$ws/tidy.log" 2>&1) || { tail -20 "$ws/tidy.log"; fail "bazel mod tidy"; }
  diff -u "$ws/MODULE.bazel.before" "$ws/MODULE.bazel" || fail "bazel mod tidy changed the README's MODULE.bazel"
  ok "bazel mod tidy: the README's MODULE.bazel is as tidy leaves it"
}

step_ggcr() {
  local ws=$WS/ggcr
  log "a module that is go-containerregistry"
  copy_workspace ggcr
  sed "s|@RULES_GOIMAGE@|$PROJECT|" "$HERE/ggcr/MODULE.bazel.in" >"$ws/MODULE.bazel"
  rm "$ws/MODULE.bazel.in"
  build_and_run "$ws" //cmd/hello:image goimage-test-rules/consumer:ggcr "hello from github.com/google/go-containerregistry"
}

step_readme
step_ggcr
echo "consumers: all passed"
