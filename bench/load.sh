#!/usr/bin/env bash
# Edit to running container, side by side, on the 1 GB base of random layers
# (bench/make_bases.sh), in Docker 28 with the containerd image store
# (tools/docker-containerd.sh): after a one-line Go edit,
#
#   rules_goimage .load    bazel run //:on_1gb.load (writes only the blobs the
#                          engine's content store lacks), then docker run
#   rules_goimage .run     bazel run //:on_1gb.run: the same in one command
#   docker load            bazel build //:on_1gb (its tarball), docker load -i, docker run
#   ko build --local       ko's build into the engine (base from a registry
#                          on 127.0.0.1), then docker run
#
# Each row gives the median wall time of RUNS edits, the bytes sent to the
# engine, and the bytes the engine's content store grew by.
#
#   bench/load.sh [RUNS]      (default 3; run on demand, not in CI; needs root)
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PROJECT=$(dirname "$BENCH")
WS=$BENCH/workspace
RUNS=${1:-3}
BAZEL=$PROJECT/tools/bazel
WORK=$(mktemp -d "${TMPDIR:-/tmp}/goimage-load-bench.XXXXXX")
# shellcheck source=tools/testlib.sh
. "$PROJECT/tools/testlib.sh"
# The content store of the engine's containerd, seen from the host.
CONTENT=${GOIMAGE_DOCKER_ROOT:-/opt/goimage-docker}/var/lib/goimage-docker/containerd/daemon/io.containerd.content.v1.content
TAG=bench/load:latest

cleanup() {
  stop_registry "$WORK/registry"
  [ -f "$WORK/app-edit.go" ] && cp "$WORK/app-edit.go" "$WS/app/edit.go"
  rm -rf "$WORK" "$SCRIPT"
}
trap cleanup EXIT

bazel() { (cd "$WS" && "$BAZEL" "$@"); }
now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
store_bytes() { du -sb "$CONTENT" | cut -f1; }
mb() { printf "%.1f" "$(echo "$1 / 1048576" | bc -l)"; }

# Each edit is new to the engine: builds are reproducible, so an edit that
# an earlier run made has its blobs in the content store already.
EDITS=0
RUN_ID=$(date +%s)
edit() {
  EDITS=$((EDITS + 1))
  sed -i "s/edit [0-9a-z -]*/edit $RUN_ID-$EDITS load/" "$WS/app/edit.go"
}

# Each way prints "SENT_BYTES" after loading and running the edited image;
# run_docker checks that the container printed the edit.
run_docker() {
  local out
  out=$(docker run --rm "$1")
  grep -q "edit $RUN_ID-$EDITS load" <<<"$out" || { echo "the container printed \"$out\", not edit $RUN_ID-$EDITS" >&2; exit 1; }
}

# bazel_script TARGET: writes the script of `bazel run TARGET` into the
# workspace, to run on this host, beside the engine (Bazel itself may run in
# a chroot, which sees the workspace but not $WORK).
SCRIPT=$WS/.bench-load-script.sh
bazel_script() {
  bazel run --ui_event_filters=-info,-stdout --noshow_progress --script_path="$SCRIPT" "$1" >/dev/null 2>&1
}

# loaded_bytes ERR: the bytes the loader says it wrote, from its stderr.
loaded_bytes() {
  local bytes
  bytes=$(sed -n 's/.*blobs, \([0-9]*\) of [0-9]* bytes.*/\1/p' "$1" | tail -1)
  [ -n "$bytes" ] || { echo "the load did not say what it wrote:" >&2; cat "$1" >&2; exit 1; }
  echo "$bytes"
}

way_load() {
  bazel_script //:on_1gb.load
  "$SCRIPT" --tag "$TAG" 2>"$WORK/load.err" >/dev/null || { cat "$WORK/load.err" >&2; exit 1; }
  run_docker "$TAG"
  loaded_bytes "$WORK/load.err"
}

way_run() {
  local out
  bazel_script //:on_1gb.run
  out=$("$SCRIPT" 2>"$WORK/run.err") || { cat "$WORK/run.err" >&2; exit 1; }
  grep -q "edit $RUN_ID-$EDITS load" <<<"$out" || { echo ".run printed \"$out\"" >&2; exit 1; }
  loaded_bytes "$WORK/run.err"
}

way_docker_load() {
  bazel build //:on_1gb >/dev/null 2>&1
  docker load -q -i "$WS/bazel-bin/on_1gb.tar" >"$WORK/docker-load.out"
  run_docker "$(sed -n 's/^Loaded image[^:]*: //p' "$WORK/docker-load.out" | tail -1)"
  stat -L -c %s "$WS/bazel-bin/on_1gb.tar"
}

way_ko() {
  local ref
  ref=$(cd "$WS" && KO_DOCKER_REPO=ko.local KO_DEFAULTBASEIMAGE=$BASE ko build --local --sbom=none --bare ./app 2>"$WORK/ko.err") ||
    { cat "$WORK/ko.err" >&2; exit 1; }
  run_docker "$ref"
  # ko hands the engine the whole image (docker load of its tarball): at
  # least every layer of the base.
  crane manifest "$BASE" | jq '[.layers[].size] | add'
}

# row NAME WAY: RUNS edits, each timed from the edit to the container's exit.
row() {
  local name=$1 way=$2 i t0 sent before times=() sents=() grows=()
  edit
  "$way" >/dev/null # warm: the first load of an image writes the base too
  for i in $(seq "$RUNS"); do
    edit
    before=$(store_bytes)
    t0=$(now)
    sent=$("$way")
    times+=("$(echo "$(now) - $t0" | bc)")
    sents+=("$sent")
    grows+=("$(($(store_bytes) - before))")
  done
  printf '%s\t%s\t%s\t%s\n' "$name" "$(printf '%s\n' "${times[@]}" | median)" \
    "$(printf '%s\n' "${sents[@]}" | median)" "$(printf '%s\n' "${grows[@]}" | median)" >>"$WORK/rows"
}

main() {
  cp "$WS/app/edit.go" "$WORK/app-edit.go"
  go_tool ko "$KO" >/dev/null
  PATH=$(dirname "$(go_tool crane "$CRANE")"):$PATH
  export PATH
  "$BENCH/make_bases.sh" 1gb >/dev/null
  REGISTRY=$(start_registry "$WORK/registry")
  crane push --insecure "$WS/bases/1gb" "$REGISTRY/bench/base-1gb:v1" >/dev/null 2>&1
  BASE=$REGISTRY/bench/base-1gb@$(crane digest --insecure "$REGISTRY/bench/base-1gb:v1")
  "$PROJECT/tools/docker-containerd.sh" start >/dev/null
  eval "export $("$PROJECT/tools/docker-containerd.sh" env)"
  : >"$WORK/rows"
  row "rules_goimage .load + docker run" way_load
  row "rules_goimage .run" way_run
  row "bazel build (tarball) + docker load + docker run" way_docker_load
  row "ko build --local + docker run" way_ko
  local ko
  ko=$(awk -F'\t' '/^ko /{print $2}' "$WORK/rows")
  echo "One-line Go edit to a running container on a 1 GB base, Docker $(docker version -f '{{.Server.Version}}') with the containerd image store: medians of $RUNS runs on $(nproc) cores, $(date -u +%Y-%m-%d)."
  echo
  echo "| way | edit to container exit | / ko | bytes sent to the engine | content store grew by |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  local name time sent grew
  while IFS=$'\t' read -r name time sent grew; do
    local at_least=""
    [[ $name == ko* ]] && at_least="≥ "
    printf '| %s | %.2f s | %.2fx | %s%s MB | %s MB |\n' "$name" "$time" "$(echo "$time / $ko" | bc -l)" "$at_least" "$(mb "$sent")" "$(mb "$grew")"
  done <"$WORK/rows"
}

main "$@"
