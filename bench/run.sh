#!/usr/bin/env bash
# The image cost of a one-line Go edit, with rules_goimage under Bazel, next to
# ko, crane and go build on the same edit, the same program and the same bases
# (bench/make_bases.sh: random layers of 10 MB, 200 MB and 1 GB). Prints
# markdown tables; docs/benchmarks.md keeps a run.
#
#   bench/run.sh [RUNS]       (default 3 edits per row; the median is shown)
#
# Rows, for each base:
#   rules_goimage           bazel build //:on_<base> after the edit (tarball included)
#   rules_goimage, thin     the same with --@rules_goimage//rules:tarball=false
#   ko                      ko build --push=false --tarball, base from a local registry
#   crane                   go build, tar, crane append -b BASE -o (the image as a tarball)
#   go build                go build alone (warm cache)
# Then: thirty images on one 200 MB base (the bytes their image actions write,
# and write again after an edit of their shared library), and a two-platform
# image (copies of the base's bytes), with and without tarballs.
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PROJECT=$(dirname "$BENCH")
WS=$BENCH/workspace
RUNS=${1:-3}
BAZEL=$PROJECT/tools/bazel
WORK=$(mktemp -d "${TMPDIR:-/tmp}/goimage-bench.XXXXXX")
# shellcheck source=tools/testlib.sh
. "$PROJECT/tools/testlib.sh"

cleanup() {
  stop_registry "$WORK/registry"
  # The edits are undone.
  [ -f "$WORK/app-edit.go" ] && cp "$WORK/app-edit.go" "$WS/app/edit.go"
  [ -f "$WORK/lib-edit.go" ] && cp "$WORK/lib-edit.go" "$WS/lib/edit.go"
  rm -rf "$WORK"
}
trap cleanup EXIT

bazel() { (cd "$WS" && "$BAZEL" "$@"); }

install_tools() {
  go_tool ko "$KO" >/dev/null
  PATH=$(dirname "$(go_tool crane "$CRANE")"):$PATH
}

# edit FILE: a one-line change to a Go file.
EDITS=0
edit() {
  EDITS=$((EDITS + 1))
  sed -i "s/edit [0-9]*/edit $EDITS/" "$1"
}

now() { date +%s.%N; }

# median of the numbers on stdin.
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# image_actions LOG: the seconds and the bytes written by the image actions
# (mnemonics GoImage*) of an execution log.
image_actions() { python3 "$PROJECT/tools/execlog.py" image-actions "$1"; }

# time_bazel TARGET FLAGS...: seconds of one edit-and-build, the image
# actions' seconds and their bytes written.
time_bazel() {
  local target=$1 t0 t1
  shift
  edit "$WS/app/edit.go"
  t0=$(now)
  bazel build --execution_log_json_file="$WS/.execlog.json" "$@" "$target" >/dev/null 2>&1
  t1=$(now)
  echo "$(echo "$t1 - $t0" | bc) $(image_actions "$WS/.execlog.json")"
}

# ko and crane build the same program from the same folder.
time_ko() {
  edit "$WS/app/edit.go"
  local t0
  t0=$(now)
  (cd "$WS" && KO_DOCKER_REPO=registry.example.com/bench KO_DEFAULTBASEIMAGE=$1 \
    ko build --push=false --tarball "$WORK/ko.tar" --sbom=none ./app >/dev/null 2>&1)
  echo "$(echo "$(now) - $t0" | bc)"
}

time_crane() {
  edit "$WS/app/edit.go"
  local t0
  t0=$(now)
  (cd "$WS" && CGO_ENABLED=0 go build -trimpath -o "$WORK/app" ./app &&
    tar -C "$WORK" -cf "$WORK/app.tar" app &&
    crane append --insecure -b "$1" -f "$WORK/app.tar" -t registry.example.com/bench/app:latest -o "$WORK/crane.tar" >/dev/null 2>&1)
  echo "$(echo "$(now) - $t0" | bc)"
}

time_go_build() {
  edit "$WS/app/edit.go"
  local t0
  t0=$(now)
  (cd "$WS" && CGO_ENABLED=0 go build -trimpath -o "$WORK/app" ./app)
  echo "$(echo "$(now) - $t0" | bc)"
}

# repeat N CMD...: the median of each column of CMD's output over N runs.
repeat() {
  local n=$1 i
  shift
  for i in $(seq "$n"); do "$@"; done >"$WORK/runs"
  local cols c out=()
  cols=$(head -1 "$WORK/runs" | wc -w)
  for c in $(seq "$cols"); do out+=("$(cut -d' ' -f"$c" "$WORK/runs" | median)"); done
  echo "${out[*]}"
}

mb() { echo "scale=1; $1 / 1048576" | bc; }

bench_base() {
  local base=$1 ref ours thin ko crane gobuild
  ref=$(crane push --insecure "$WS/bases/$base" "$REGISTRY/bench/base-$base:v1" 2>/dev/null)
  bazel build "//:on_$base" >/dev/null 2>&1
  bazel build --@rules_goimage//rules:tarball=false "//:on_$base" >/dev/null 2>&1
  time_ko "$ref" >/dev/null
  ours=$(repeat "$RUNS" time_bazel "//:on_$base")
  thin=$(repeat "$RUNS" time_bazel "//:on_$base" --@rules_goimage//rules:tarball=false)
  ko=$(repeat "$RUNS" time_ko "$ref")
  crane=$(repeat "$RUNS" time_crane "$ref")
  gobuild=$(repeat "$RUNS" time_go_build)
  read -r o_wall o_img o_bytes <<<"$ours"
  read -r t_wall t_img t_bytes <<<"$thin"
  printf '| %s | %.2f s (image actions %.2f s, %s MB written) | %.2f s (image actions %.2f s, %s MB written) | %.2f s | %.2f s | %.2f s | %.2fx | %.2fx |\n' \
    "$base" "$o_wall" "$o_img" "$(mb "$o_bytes")" "$t_wall" "$t_img" "$(mb "$t_bytes")" "$ko" "$crane" "$gobuild" \
    "$(echo "$o_wall / $ko" | bc -l)" "$(echo "$o_wall / $gobuild" | bc -l)"
}

# image_bytes FLAGS... TARGETS...: the bytes the image actions of a build
# wrote (their outputs, cache hits counted), from its execution log.
image_bytes() {
  bazel build --execution_log_json_file="$WS/.execlog.json" "$@" >/dev/null 2>&1
  image_actions "$WS/.execlog.json" | cut -d' ' -f2
}

bench_monorepo() {
  local targets=() thin tarballs edit_thin edit_tar
  for i in $(seq 0 29); do targets+=("//:svc${i}_image"); done
  thin=$(image_bytes --@rules_goimage//rules:tarball=false "${targets[@]}")
  tarballs=$(image_bytes "${targets[@]}")
  edit "$WS/lib/edit.go"
  edit_thin=$(image_bytes --@rules_goimage//rules:tarball=false "${targets[@]}")
  edit "$WS/lib/edit.go"
  edit_tar=$(image_bytes "${targets[@]}")
  echo "| thirty images on one 200 MB base | the image actions write $(mb "$thin") MB without tarballs, $(mb "$tarballs") MB with them | an edit of their shared library: $(mb "$edit_thin") MB without tarballs, $(mb "$edit_tar") MB with them |"
}

bench_two_platforms() {
  local thin tar
  thin=$(image_bytes --@rules_goimage//rules:tarball=false //:two_platforms)
  tar=$(image_bytes //:two_platforms)
  echo "| a two-platform image on a 200 MB two-platform base | the image actions write $(mb "$thin") MB without its tarball | $(mb "$tar") MB with it: the tarball holds the one copy of the base's blobs outside its repository |"
}

main() {
  cp "$WS/app/edit.go" "$WORK/app-edit.go"
  cp "$WS/lib/edit.go" "$WORK/lib-edit.go"
  install_tools
  "$BENCH/make_bases.sh" >/dev/null
  REGISTRY=$(start_registry "$WORK/registry")
  echo "One-line Go edit, then the image: medians of $RUNS runs on $(nproc) cores, $(date -u +%Y-%m-%d)."
  echo
  echo "| base | rules_goimage | rules_goimage, thin (tarball=false) | ko --tarball | crane append -o | go build alone | rules_goimage / ko | rules_goimage / go build |"
  echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |"
  for base in 10mb 200mb 1gb; do bench_base "$base"; done
  echo
  echo "| case | bytes the image actions write | |"
  echo "| --- | --- | --- |"
  bench_monorepo
  bench_two_platforms
}

main "$@"
