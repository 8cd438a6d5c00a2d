#!/usr/bin/env bash
# A large release under a slow network: releases of N images of two platforms
# each (linux/amd64 and linux/arm64) on the 200 MB two-platform base of random
# layers (bench/make_bases.sh: 100 MB per platform), every image with its own 1 MB layer and config,
# pushed by `assembler release` to a docker-registry on 127.0.0.1 through the
# fault proxy's slow mode (every body at RATE, by default 64 MB/s). For each
# N and --jobs it prints the wall time, the assembler's peak memory (RSS, from
# GNU time) and its peak of open file descriptors (sampled from /proc every
# 50 ms): memory and descriptors must stay bounded as N grows, set by --jobs
# rather than by the size of the release.
#
#   bench/release.sh [N...]    (default: 10 50; run on demand, not in CI)
#   RATE=16 bench/release.sh   (the proxy's rate in MB/s; 0: no proxy)
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PROJECT=$(dirname "$BENCH")
COUNTS=("$@")
[ ${#COUNTS[@]} -gt 0 ] || COUNTS=(10 50)
RATE=${RATE:-64}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/goimage-release-bench.XXXXXX")
# shellcheck source=tools/testlib.sh
. "$PROJECT/tools/testlib.sh"

cleanup() {
  stop_registry "$WORK/registry"
  rm -rf "$WORK"
}
trap cleanup EXIT

A=$WORK/assembler
(cd "$PROJECT" && go build -trimpath -o "$A" ./tools/assembler)

# The images: one small Go program per architecture, and per image a layer of
# 1 MB of random bytes and its own environment, so that no two images share a
# manifest, a config or their top layer; all share the base's layers.
write_images() {
  local max=$1 i arch
  "$BENCH/make_bases.sh" 200mb-two-platforms >/dev/null
  ln -s "$BENCH/workspace/bases/200mb-two-platforms" "$WORK/base"
  mkdir -p "$WORK/src"
  printf 'package main\n\nfunc main() { println("release bench") }\n' >"$WORK/src/main.go"
  printf 'module example.com/bench\n\ngo 1.22\n' >"$WORK/src/go.mod"
  for arch in amd64 arm64; do
    (cd "$WORK/src" && CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -trimpath -o "$WORK/app-$arch" .)
    "$A" layer --binary "$WORK/app-$arch=/app/app" --platform "linux/$arch" --output "$WORK/app-$arch.tar.gz" \
      --descriptor "$WORK/app-$arch.json" --quiet
  done
  cd "$WORK"
  for i in $(seq "$max"); do
    mkdir -p "img/$i/data"
    for arch in amd64 arm64; do
      head -c 1048576 /dev/urandom >"img/$i/data/$arch"
      "$A" layer --file "img/$i/data/$arch=/data/$arch" --output "img/$i/$arch.tar.gz" \
        --descriptor "img/$i/$arch.json" --quiet
      "$A" build --base base --platform "linux/$arch" --layer "img/$i/$arch.json" --layer "app-$arch.json" \
        --entrypoint /app/app --env "IMAGE=$i" --thin-layout "img/$i/$arch" --quiet
    done
    "$A" index --thin --image "img/$i/amd64" --image "img/$i/arm64" --thin-layout "img/$i/index" --quiet
    jq -n --arg i "img/$i" '
      def f($p): {path: $p, short_path: $p};
      {workspace: "_main", self: f($i + "/image.json"), layout: f($i + "/index"),
       blobs: [f("base")],
       layers: [f($i + "/amd64.json"), f($i + "/arm64.json"), f("app-amd64.json"), f("app-arm64.json")]}' >"img/$i/image.json"
  done
  cd - >/dev/null
}

# manifest N RUN: a release manifest of the first N images, each to its own
# repository under bench/RUN/.
manifest() {
  local n=$1 run=$2
  jq -n --argjson n "$n" --arg reg "$REGISTRY" --arg run "$run" '
    {images: [range(1; $n + 1) | tostring | {label: ("//img:" + .),
      repository: ($reg + "/bench/" + $run + "/app" + .), tags: ["v1"], image: ("img/" + . + "/image.json")}]}' \
    >"$WORK/$run.json"
}

# release N JOBS: one release, printing its row.
release() {
  local n=$1 jobs=$2 run="n$1-j$2" pid fds peak=0 start rss wall
  manifest "$n" "$run"
  start=$(date +%s.%N)
  (cd "$WORK" && exec /usr/bin/time -f '%M' -o "$run.time" "$A" release --manifest "$run.json" \
    --jobs "$jobs" --refs-file "$run.refs" >"$run.out" 2>&1) &
  pid=$!
  # The assembler is time's child; sample its descriptors until it ends.
  while kill -0 "$pid" 2>/dev/null; do
    for p in $(pgrep -P "$(pgrep -P "$pid" || true)" 2>/dev/null || true) $(pgrep -P "$pid" || true); do
      fds=$(find "/proc/$p/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
      [ "$fds" -le "$peak" ] || peak=$fds
    done
    sleep 0.05
  done
  wait "$pid" || { cat "$WORK/$run.out"; echo "release of $n images failed" >&2; return 1; }
  wall=$(echo "$(date +%s.%N) - $start" | bc)
  rss=$(tail -1 "$WORK/$run.time")
  [ "$(jq '[.images[] | select(.pushed)] | length' "$WORK/$run.refs")" = "$n" ] ||
    { echo "release of $n images pushed fewer" >&2; return 1; }
  printf '| %d images (%d manifests) | %d | %.1f s | %d MB | %d |\n' "$n" $((n * 3)) "$jobs" "$wall" $((rss / 1024)) "$peak"
}

main() {
  local max=0 n
  for n in "${COUNTS[@]}"; do [ "$n" -le "$max" ] || max=$n; done
  write_images "$max"
  local slow=()
  [ "$RATE" = 0 ] || slow=(-slow $((RATE << 20)))
  REGISTRY=$(start_registry "$WORK/registry" "${slow[@]}")
  local via="behind the fault proxy's slow mode at $RATE MB/s"
  [ "$RATE" != 0 ] || via="directly"
  echo "bench/release.sh ${COUNTS[*]}: $(nproc) cores, $(date -u +%Y-%m-%d), 200 MB base of two platforms, docker-registry on 127.0.0.1 reached $via."
  echo
  echo "| release | --jobs | wall time | peak RSS of the assembler | peak open file descriptors |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  for n in "${COUNTS[@]}"; do
    release "$n" 1
    release "$n" 8
  done
}

main
