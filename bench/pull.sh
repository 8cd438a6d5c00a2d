#!/usr/bin/env bash
# What goimage.pull bases cost to fetch: the bases of bench/make_bases.sh
# (random layers of 10 MB, 200 MB and 1 GB), pushed to a docker-registry on
# 127.0.0.1 whose access log counts every byte it serves. Prints markdown
# tables; docs/benchmarks.md keeps a run. Not part of CI.
#
#   bench/pull.sh [BASE...]      (default: 10mb 200mb 1gb)
#
# TABLES="cold push" (the default) picks the tables.
# RULES_GOIMAGE=DIR benchmarks the rules_goimage tree in DIR (default: this
# one); Bazel must see DIR (with tools/bazel's chroot: a folder under
# /opt/bazel-offline/output, which it mounts).
#
# Table 1, cold CI: for each base, a thin `bazel build` of one go_image from
# nothing (a fresh output base, repository cache and disk cache), its base
# pulled lazily with the checks that read the base's files off, lazily with
# the default checks, and eagerly: blob bytes the registry served, how many
# of those GETs were layers, and wall time.
# Table 2, edit to pushed: a one-line edit, then `bazel run //:on_<base>.push`
# to the same registry, with an nginx HTTP remote cache (as e2e/remote/run.sh
# starts it) that an earlier build filled, from a fresh output base, with and
# without --remote_download_minimal: bytes fetched from the registry, blob
# bytes pushed to it, bytes downloaded from the remote cache.
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PROJECT=$(dirname "$BENCH")
RULES_GOIMAGE=${RULES_GOIMAGE:-$PROJECT}
BAZEL=$PROJECT/tools/bazel
WORK=$(mktemp -d "${TMPDIR:-/tmp}/goimage-pull.XXXXXX")
WS=$WORK/ws
# Output bases and caches live in the chroot's output root, which tools/bazel
# mounts at the same path (a Bazel of the machine takes them as they are).
COLD=${BAZEL_OFFLINE_ROOT:-/opt/bazel-offline}/output/bench-pull-$$
# shellcheck source=tools/testlib.sh
. "$PROJECT/tools/testlib.sh"

cleanup() {
  stop_registry "$WORK/registry"
  [ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
  forget_output_base
  rm -rf "$WORK" "$COLD"
}
trap cleanup EXIT

now() { date +%s.%N; }
mb() { printf %.1f "$(echo "$1 / 1048576" | bc -l)"; }

# --- the registry and its access log ----------------------------------------

REGISTRY_LOG=$WORK/registry/registry.log

# mark: the size of the registry's log now; since MARK prints what it logged
# after that (the log is appended to, never cut: the registry holds it open).
mark() { stat -c %s "$REGISTRY_LOG"; }
since() { tail -c +$(($1 + 1)) "$REGISTRY_LOG"; }

# blob_gets: "BYTES COUNT" of the blob GETs of an access log on stdin (combined
# format: ... "GET /v2/NAME/blobs/sha256:... HTTP/1.1" STATUS SIZE ...), and
# LAYERS=FILE counts those whose digest FILE lists.
blob_gets() {
  awk -v layers="${1:-/dev/null}" '
    BEGIN { while ((getline d < layers) > 0) want[d] = 1 }
    $6 == "\"GET" && $7 ~ /^\/v2\/.*\/blobs\/sha256:/ {
      bytes += $10; d = $7; sub(/.*\/blobs\//, "", d)
      if (d in want) n++
    }
    END { print bytes + 0, n + 0 }'
}

# pushed_blob_bytes: the sizes, from the registry's storage, of the blobs whose
# uploads an access log on stdin completed (PUT .../blobs/uploads/...?digest=).
pushed_blob_bytes() {
  local d total=0
  for d in $(awk '$6 == "\"PUT" && $7 ~ /\/blobs\/uploads\// {print $7}' | sed -n 's/.*digest=sha256%3A\([0-9a-f]*\).*/\1/p; s/.*digest=sha256:\([0-9a-f]*\).*/\1/p'); do
    total=$((total + $(stat -c %s "$WORK/registry/data/docker/registry/v2/blobs/sha256/${d:0:2}/$d/data")))
  done
  echo "$total"
}

# push_base BASE: pushes bases/BASE to the registry, writes its layers'
# digests to $WORK/layers-BASE and prints the digest it was pushed at.
push_base() {
  local base=$1 layout=$BENCH/workspace/bases/$1 manifest
  crane push --insecure "$layout" "$REGISTRY/bench/base-$base:v1" >/dev/null 2>&1
  manifest=$(jq -r '.manifests[0].digest' "$layout/index.json")
  jq -r '.layers[].digest' "$layout/blobs/sha256/${manifest#sha256:}" >"$WORK/layers-$base"
  crane digest --insecure "$REGISTRY/bench/base-$base:v1"
}

# write_workspace BASE...: the workspace of bench/workspace/pull, filled in.
write_workspace() {
  local base subst=(-e "s|@RULES_GOIMAGE@|$RULES_GOIMAGE|" -e "s|@REGISTRY@|$REGISTRY|g")
  mkdir -p "$WS/app"
  cp "$BENCH/workspace/app/"*.go "$WS/app/"
  cp "$BENCH/workspace/.bazelrc" "$WS/"
  cp "$BENCH/workspace/pull/BUILD.bazel.in" "$WS/BUILD.bazel"
  for base in 10mb 200mb 1gb; do
    # A base that is not pushed keeps a digest that is never fetched.
    subst+=(-e "s|@DIGEST_$base@|${DIGESTS[$base]:-sha256:$(printf '0%.0s' $(seq 64))}|")
  done
  sed "${subst[@]}" "$BENCH/workspace/pull/MODULE.bazel.in" >"$WS/MODULE.bazel"
}

# --- cold builds ------------------------------------------------------------

# A fresh output base and fresh caches, under $COLD.
OUTPUT_BASE=
fresh_output_base() {
  forget_output_base
  OUTPUT_BASE=$COLD/output-base
  mkdir -p "$COLD/repository-cache" "$COLD/disk-cache"
}
forget_output_base() {
  [ -n "$OUTPUT_BASE" ] && (cd "$WS" && "$BAZEL" --output_base="$OUTPUT_BASE" shutdown >/dev/null 2>&1 || true)
  rm -rf "$COLD"
  OUTPUT_BASE=
}

# bazel_cold COMMAND FLAGS...: COMMAND in $WS, in the current output base,
# with its own repository and disk cache; prints its log on failure.
bazel_in() {
  local command=$1
  shift
  (cd "$WS" && "$BAZEL" --output_base="$OUTPUT_BASE" "$command" \
    --repository_cache="$COLD/repository-cache" "$@") >"$WORK/bazel.log" 2>&1 || {
    tail -30 "$WORK/bazel.log" >&2
    return 1
  }
}

# cold_build BASE MODE: one row of table 1.
cold_build() {
  local base=$1 mode=$2 m t0 wall gets layers
  fresh_output_base
  m=$(mark)
  t0=$(now)
  bazel_in build --disk_cache="$COLD/disk-cache" --@rules_goimage//rules:tarball=false "//:on_${base}_$mode"
  wall=$(echo "$(now) - $t0" | bc)
  read -r gets layers < <(since "$m" | blob_gets "$WORK/layers-$base")
  printf '| %s | %s | %s MB | %s of %s | %.0f s |\n' "$base ($(du -sh "$BENCH/workspace/bases/$base" | cut -f1))" \
    "${MODE_NAMES[$mode]}" "$(mb "$gets")" "$layers" "$(wc -l <"$WORK/layers-$base")" "$wall"
}

declare -A MODE_NAMES=(
  [off]='lazy, checks of the base'"'"'s files off'
  [checks]='lazy, default checks'
  [eager]='eager'
)

table_cold() {
  echo "Cold CI: a thin \`bazel build\` (tarball=false) of one go_image, from a fresh output base, repository cache and disk cache."
  echo
  echo "| base | goimage.pull | blob bytes served by the registry | layer GETs (of the base's layers) | wall time |"
  echo "| --- | --- | ---: | ---: | ---: |"
  local base mode
  for base in "${BASES[@]}"; do
    for mode in off checks eager; do cold_build "$base" "$mode"; done
  done
  forget_output_base
}

# --- edit to pushed ---------------------------------------------------------

NGINX=$WORK/nginx
start_nginx() {
  local port
  port=$(free_port)
  mkdir -p "$NGINX/cache" "$NGINX/tmp"
  sed -e "s|@DIR@|$NGINX|g" -e "s|@PORT@|$port|g" "$PROJECT/e2e/remote/nginx.conf.in" >"$NGINX/nginx.conf"
  nginx -p "$NGINX" -c "$NGINX/nginx.conf" -g 'daemon off;' >"$NGINX/stdout" 2>&1 &
  CACHE=http://127.0.0.1:$port
  for _ in $(seq 100); do curl -s -o /dev/null "$CACHE/" && return; sleep 0.1; done
  echo "nginx did not start: $(cat "$NGINX/error.log" "$NGINX/stdout")" >&2
  return 1
}

# push BASE FLAGS...: bazel run //:on_BASE_checks.push in a fresh output base,
# with fresh repository cache and the remote cache only.
push() {
  local base=$1
  shift
  fresh_output_base
  bazel_in run --remote_cache="$CACHE" --disk_cache= --remote_upload_local_results "$@" \
    "//:on_${base}_checks.push" -- --repository "$REGISTRY/bench/app-$base"
}

# pushed_row BASE NAME FLAGS...: one row of table 2, for an edit and a push.
pushed_row() {
  local base=$1 name=$2 m n t0 wall gets layers sent mounts cached
  shift 2
  sed -i "s/edit [0-9]*/edit $RANDOM/" "$WS/app/edit.go"
  m=$(mark)
  n=$(stat -c %s "$NGINX/access.log")
  t0=$(now)
  push "$base" "$@"
  wall=$(echo "$(now) - $t0" | bc)
  read -r gets layers < <(since "$m" | blob_gets "$WORK/layers-$base")
  sent=$(since "$m" | pushed_blob_bytes)
  mounts=$(since "$m" | awk '$6 == "\"POST" && $7 ~ /mount=/ && $9 == 201' | wc -l)
  cached=$(tail -c +$((n + 1)) "$NGINX/access.log" | awk '$1 == "GET" {b += $5} END {print b + 0}')
  printf '| %s | %s | %s MB (%s layer GETs) | %s MB (%s base layers mounted) | %s MB | %.0f s |\n' \
    "$base" "$name" "$(mb "$gets")" "$layers" "$(mb "$sent")" "$mounts" "$(mb "$cached")" "$wall"
}

table_push() {
  apt_install nginx:nginx-light curl:curl
  [ -n "${CACHE:-}" ] || start_nginx
  echo 'Edit to pushed: an earlier push of on_<base>_checks (lazy base, default checks) filled the remote cache (nginx); then a one-line edit and `bazel run //:on_<base>_checks.push` to the same repository of the same registry, from a fresh output base and repository cache.'
  echo
  echo "| base | flags | fetched from the registry | blob bytes pushed to it | downloaded from the remote cache | wall time |"
  echo "| --- | --- | ---: | ---: | ---: | ---: |"
  local base
  for base in "${BASES[@]}"; do
    push "$base"
    pushed_row "$base" "(none)"
    pushed_row "$base" "--remote_download_minimal" --remote_download_minimal
  done
  cp "$BENCH/workspace/app/edit.go" "$WS/app/edit.go"
  forget_output_base
}

main() {
  BASES=("$@")
  [ ${#BASES[@]} -gt 0 ] || BASES=(10mb 200mb 1gb)
  apt_install jq:jq bc:bc
  PATH=$(dirname "$(go_tool crane "$CRANE")"):$PATH
  "$BENCH/make_bases.sh" "${BASES[@]}" >/dev/null
  REGISTRY=$(start_registry "$WORK/registry")
  declare -gA DIGESTS=()
  local base
  for base in "${BASES[@]}"; do DIGESTS[$base]=$(push_base "$base"); done
  write_workspace
  echo "bench/pull.sh ${BASES[*]}: $(nproc) cores, $(date -u +%Y-%m-%d), registry on $REGISTRY."
  local table
  for table in ${TABLES:-cold push}; do
    echo
    "table_$table"
  done
}

# One line: bash has read it whole before main runs.
main "$@"; exit
