#!/usr/bin/env bash
# Two Bazel builds at once that share one repository cache and one disk
# cache, each with an output base of its own, as two checkouts (or two CI
# jobs) of one machine do:
#
#   * both builds of an example's image succeed;
#   * they give byte-identical image tarballs, which crane validates;
#   * every blob in the shared disk cache and repository cache hashes to the
#     digest it is stored under: no writer left a half-written or mixed entry;
#   * a third, clean output base builds from the shared caches and gets the
#     same tarballs.
#
# tools/run_tests.sh runs it in its e2e step; it installs what it lacks.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PROJECT=$(cd "$HERE/../.." && pwd -P)
BAZEL=$PROJECT/tools/bazel
# Inside the chroot's output root, which tools/bazel mounts at the same path.
ROOT=${BAZEL_OFFLINE_ROOT:-/opt/bazel-offline}/output/concurrency-$$
TARGETS=(//examples/hello:image)
# The tarballs the targets write, below bazel-bin.
TARBALLS=(examples/hello/image.tar)
# shellcheck source=tools/testlib.sh
. "$PROJECT/tools/testlib.sh"

log() { printf '\n--- concurrency: %s\n' "$*"; }
ok() { printf 'ok: %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

cleanup() {
  local base
  for base in a b c; do
    [ -d "$ROOT/$base" ] && (cd "$PROJECT" && "$BAZEL" --output_base="$ROOT/$base" shutdown >/dev/null 2>&1 || true)
  done
  rm -rf "$ROOT"
}
trap cleanup EXIT

# build NAME: builds the targets in the output base NAME with the shared
# caches, without the workspace's bazel-* links, which the builds share.
build() {
  (cd "$PROJECT" && "$BAZEL" --output_base="$ROOT/$1" build --noshow_progress --symlink_prefix=/ \
    --disk_cache="$ROOT/disk" --repository_cache="$ROOT/repo" "${TARGETS[@]}") >"$ROOT/$1.log" 2>&1
}

# tarball NAME I: the path of the I-th tarball the output base NAME built.
tarball() {
  local bin
  bin=$(cd "$PROJECT" && "$BAZEL" --output_base="$ROOT/$1" info bazel-bin 2>/dev/null)
  echo "$bin/${TARBALLS[$2]}"
}

step_two_builds() {
  log "two builds at once, sharing the repository cache and the disk cache"
  mkdir -p "$ROOT"
  local a b
  build a & a=$!
  build b & b=$!
  wait "$a" || fail "the first build failed: $(tail -30 "$ROOT/a.log")"
  wait "$b" || fail "the second build failed: $(tail -30 "$ROOT/b.log")"
  ok "both builds succeeded"
  same_tarballs a b
}

# same_tarballs NAME NAME: the two output bases built the same bytes, valid images.
same_tarballs() {
  local i x y crane
  crane=$(go_tool crane "$CRANE")
  for i in "${!TARBALLS[@]}"; do
    x=$(tarball "$1" "$i")
    y=$(tarball "$2" "$i")
    cmp -s "$x" "$y" || fail "${TARBALLS[$i]} differs between output bases $1 and $2"
    "$crane" validate --tarball "$x" >/dev/null || fail "crane validate --tarball ${TARBALLS[$i]} failed"
    ok "${TARBALLS[$i]}: the same bytes in $1 and $2 ($(sha256sum <"$x" | cut -c1-12)), and crane validates it"
  done
}

# check_blobs DIR: every file under DIR named by a sha256 (the file, or its
# folder for the repository cache) holds bytes of that digest.
check_blobs() {
  local dir=$1 n=0 f want got
  while IFS= read -r -d '' f; do
    want=$(basename "$f")
    [ "$want" = file ] && want=$(basename "$(dirname "$f")")
    [[ $want =~ ^[0-9a-f]{64}$ ]] || continue
    got=$(sha256sum <"$f" | cut -d' ' -f1)
    [ "$got" = "$want" ] || fail "$f holds bytes of sha256 $got, not of its name"
    n=$((n + 1))
  done < <(find "$dir" -type f -print0 2>/dev/null)
  ok "$n blobs in $(basename "$dir")/ hash to their names"
}

step_caches() {
  log "the shared caches hold whole entries"
  [ -d "$ROOT/disk/cas" ] || fail "the disk cache $ROOT/disk has no cas/ folder: did the builds use it?"
  check_blobs "$ROOT/disk/cas"
  if [ -d "$ROOT/repo" ]; then
    check_blobs "$ROOT/repo"
  else
    ok "the repository cache holds nothing: no download of this build goes through it"
  fi
  # A writer of the disk cache writes a temporary file, then renames it to
  # its digest: once both builds are done, none of those stays.
  local left
  left=$(find "$ROOT/disk" -type f ! -path "$ROOT/disk/cas/*" ! -path "$ROOT/disk/ac/*" ! -path "$ROOT/disk/gc/*" | head -3)
  [ -z "$left" ] || fail "files outside cas/ and ac/ stay in the disk cache: $left"
  ok "no temporary file stays in the disk cache"
}

step_third_build() {
  log "a clean output base builds from the shared caches"
  build c || fail "the build from the shared caches failed: $(tail -30 "$ROOT/c.log")"
  same_tarballs a c
}

main() {
  step_two_builds
  step_caches
  step_third_build
  log "concurrent builds checked"
}

main "$@"
