#!/usr/bin/env bash
# Remote execution readiness and a real HTTP remote cache:
#
#   * `bazel aquery` of every image action of the examples: none asks to run
#     locally or unsandboxed; only the tarball and the complete layout, which
#     repack blobs that are stored already, stay out of remote caches
#     (check_actions.py);
#   * `bazel aquery` of the push and release targets of the examples, with
#     their command lines and the files they write (the runner scripts, the
#     release manifests), run with a marked $COSIGN_PASSWORD: neither the
#     marker nor any signing flag is in any of them, since keys, passwords
#     and signer commands are given only when the targets run;
#   * the examples build under --spawn_strategy=sandboxed and
#     --incompatible_strict_action_env, and no output of an image action holds
#     a path of the machine that built it;
#   * nginx (Debian's, WebDAV PUT) as a Bazel HTTP remote cache: a second,
#     clean output base gets every image action of examples/hello from it (but
#     the tarball's, by design); an edit of the program on a 200 MB base
#     uploads the new layer and metadata, not the base; with
#     --remote_download_minimal, .load and .push still work.
#
# tools/run_tests.sh runs it as its remote step; it installs what it lacks.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PROJECT=$(cd "$HERE/../.." && pwd -P)
BENCH_WS=$PROJECT/bench/workspace
BAZEL=$PROJECT/tools/bazel
WORK=$(mktemp -d "${TMPDIR:-/tmp}/goimage-remote.XXXXXX")
# Two clean output bases, inside the chroot's output root, which tools/bazel
# mounts at the same path: one fills the cache, the other reads it.
FIRST=${BAZEL_OFFLINE_ROOT:-/opt/bazel-offline}/output/remote-cache-fill-$$
SECOND=${BAZEL_OFFLINE_ROOT:-/opt/bazel-offline}/output/remote-cache-read-$$
# shellcheck source=tools/testlib.sh
. "$PROJECT/tools/testlib.sh"

log() { printf '\n--- remote: %s\n' "$*"; }
ok() { printf 'ok: %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

cleanup() {
  stop_registry "$WORK/registry"
  [ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
  local base
  for base in "$FIRST" "$SECOND"; do
    (cd "$PROJECT" && "$BAZEL" --output_base="$base" shutdown >/dev/null 2>&1 || true)
  done
  rm -rf "$FIRST" "$SECOND" "$WORK" "$PROJECT/.execlog-remote.json"
}
trap cleanup EXIT

start_nginx() {
  local dir=$WORK/nginx port
  port=$(free_port)
  mkdir -p "$dir/cache" "$dir/tmp"
  sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|$port|g" "$HERE/nginx.conf.in" >"$dir/nginx.conf"
  nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' >"$dir/stdout" 2>&1 &
  for _ in $(seq 100); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && { CACHE=http://127.0.0.1:$port; return; }
    sleep 0.1
  done
  fail "nginx did not start: $(cat "$dir/error.log" "$dir/stdout")"
}

# Flags of a build that uses only the remote cache (the chroot's Bazel also
# has a disk cache, which would serve the actions instead).
remote_flags() { echo "--remote_cache=$CACHE --disk_cache= --remote_upload_local_results"; }

step_actions() {
  log "the image actions, as bazel aquery shows them"
  (cd "$PROJECT" && "$BAZEL" aquery --output=jsonproto 'mnemonic("GoImage.*", deps(//examples/...))' 2>/dev/null) >"$WORK/aquery.json"
  python3 "$HERE/check_actions.py" "$WORK/aquery.json" || fail "an image action is not ready for remote execution"
  ok "no image action runs locally or unsandboxed; only GoImageTarball and GoImageLayout stay out of remote caches"

  (cd "$PROJECT" && "$BAZEL" build --spawn_strategy=sandboxed --incompatible_strict_action_env \
    --output_groups=+layout //examples/...) >"$WORK/sandboxed.log" 2>&1 ||
    fail "the examples do not build sandboxed: $(tail -20 "$WORK/sandboxed.log")"
  ok "the examples build with --spawn_strategy=sandboxed --incompatible_strict_action_env"

  local output_base hits
  output_base=$(cd "$PROJECT" && "$BAZEL" info output_base 2>/dev/null)
  hits=$(grep -rlF "$output_base" "$PROJECT"/bazel-bin/examples/*/_image* "$PROJECT"/bazel-bin/examples/*/*.tar 2>/dev/null || true)
  [ -z "$hits" ] || fail "image outputs hold the path $output_base: $hits"
  ok "no image output holds a path of this machine ($output_base)"
}

# put_bytes: bytes PUT to the cache since the access log was last cut.
put_bytes() { awk '$1 == "PUT" {n += $4} END {print n + 0}' "$WORK/nginx/access.log"; }
cut_log() { : >"$WORK/nginx/access.log"; }

step_no_signing_secrets() {
  log "the actions of the push and release targets hold no signing secret"
  local marker=goimage-signing-secret-$RANDOM$RANDOM query
  query='deps(kind("image_push|goimage_release", //examples/...))'
  (cd "$PROJECT" && COSIGN_PASSWORD=$marker "$BAZEL" aquery --include_file_write_contents \
    --output=jsonproto "$query" 2>/dev/null) >"$WORK/signing.json" || fail "bazel aquery $query"
  grep -q '"mnemonic": *"FileWrite"' "$WORK/signing.json" && grep -q 'assembler' "$WORK/signing.json" ||
    fail "the query found no runner script of a push or release target"
  ! grep -qF "$marker" "$WORK/signing.json" || fail "an action of a push or release target holds \$COSIGN_PASSWORD"
  ! grep -qE -- '--sign-key|--sign-certificate|--signer-command|COSIGN_PASSWORD' "$WORK/signing.json" ||
    fail "an action of a push or release target holds a signing flag: $(grep -oE -- '.{80}(--sign|COSIGN).{40}' "$WORK/signing.json" | head -3)"
  ok "no action of a push or release target holds \$COSIGN_PASSWORD or a signing flag"
}

step_cache_hits() {
  log "a second, clean output base gets the image actions from the remote cache"
  # A clean output base runs every action, and so uploads its result.
  rm -rf "$FIRST"
  # shellcheck disable=SC2046 # flags are words
  (cd "$PROJECT" && "$BAZEL" --output_base="$FIRST" build $(remote_flags) //examples/hello:image) >"$WORK/upload.log" 2>&1 ||
    fail "the build that fills the cache failed: $(tail -20 "$WORK/upload.log")"
  rm -rf "$SECOND"
  # shellcheck disable=SC2046
  (cd "$PROJECT" && "$BAZEL" --output_base="$SECOND" build $(remote_flags) \
    --execution_log_json_file="$PROJECT/.execlog-remote.json" //examples/hello:image) >"$WORK/second.log" 2>&1 ||
    fail "the build in a second output base failed: $(tail -20 "$WORK/second.log")"
  python3 "$PROJECT/tools/execlog.py" cache-hits "$PROJECT/.execlog-remote.json" || fail "an image action missed the remote cache"
  ok "every image action of examples/hello (the tarball's repack aside) came from the remote cache"
}

step_edit_uploads() {
  log "an edit on a 200 MB base uploads its own layer and metadata"
  "$PROJECT/bench/make_bases.sh" 200mb >/dev/null
  # shellcheck disable=SC2046
  (cd "$BENCH_WS" && "$BAZEL" build $(remote_flags) //:on_200mb) >"$WORK/bench1.log" 2>&1 ||
    fail "building on the 200 MB base failed: $(tail -20 "$WORK/bench1.log")"
  cut_log
  cp "$BENCH_WS/app/edit.go" "$WORK/edit.go"
  sed -i "s/edit [0-9]*/edit $$/" "$BENCH_WS/app/edit.go"
  # shellcheck disable=SC2046
  (cd "$BENCH_WS" && "$BAZEL" build $(remote_flags) //:on_200mb) >"$WORK/bench2.log" 2>&1 ||
    fail "building after the edit failed: $(tail -20 "$WORK/bench2.log")"
  cp "$WORK/edit.go" "$BENCH_WS/app/edit.go"
  local bytes
  bytes=$(put_bytes)
  [ "$bytes" -lt $((20 << 20)) ] || fail "the edit uploaded $bytes bytes to the cache: the base's blobs went along"
  ok "the edit uploaded $bytes bytes to the remote cache (the base is 200 MB)"
}

step_minimal_download() {
  log "with --remote_download_minimal, .load and .push work"
  local out tag=goimage-test-rules/remote-minimal:latest
  # shellcheck disable=SC2046
  out=$(cd "$PROJECT" && "$BAZEL" --output_base="$SECOND" run $(remote_flags) --remote_download_minimal \
    --ui_event_filters=-info,-stdout --noshow_progress //examples/hello:image.load -- --tag "$tag" 2>&1) ||
    fail "image.load with --remote_download_minimal: $out"
  out=$(docker run --rm "$tag") || fail "docker run $tag: $out"
  docker rmi "$tag" >/dev/null
  grep -q "Hello from rules_goimage!" <<<"$out" || fail "the loaded image printed $out"
  ok "image.load loaded the image, which printed: $out"
  # shellcheck disable=SC2046
  out=$(cd "$PROJECT" && "$BAZEL" --output_base="$SECOND" run $(remote_flags) --remote_download_minimal \
    --ui_event_filters=-info,-stdout --noshow_progress //examples/hello:image.push -- --repository "$REGISTRY/remote/hello" 2>&1) ||
    fail "image.push with --remote_download_minimal: $out"
  ok "image.push pushed $(tail -1 <<<"$out")"
}

main() {
  apt_install nginx:nginx-light curl:curl
  start_nginx
  REGISTRY=$(start_registry "$WORK/registry")
  step_actions
  step_no_signing_secrets
  step_cache_hits
  step_edit_uploads
  step_minimal_download
  log "all remote checks passed"
}

main "$@"
