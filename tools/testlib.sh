# shellcheck shell=bash
# What the test and benchmark scripts all need, once: sourced by
# tools/run_tests.sh, e2e/, bench/, tools/bazel and tools/docker-containerd.sh.
# It defines functions and the pinned versions of the Go tools they install;
# it runs nothing.

TESTLIB_PROJECT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
# The Go commands the tests check images with, at the versions they pin.
# shellcheck disable=SC2034 # for the scripts that source this file
CRANE=github.com/google/go-containerregistry/cmd/crane@v0.22.1
# shellcheck disable=SC2034
KO=github.com/google/ko@v0.19.1
# The signing tests and e2e verify signatures with the unmodified cosign.
# shellcheck disable=SC2034
COSIGN=github.com/sigstore/cosign/v2/cmd/cosign@v2.6.5
# The go step's linters: staticcheck, and deadcode for exported functions
# that nothing, tests included, calls.
# shellcheck disable=SC2034
STATICCHECK=honnef.co/go/tools/cmd/staticcheck@v0.8.2
# shellcheck disable=SC2034
DEADCODE=golang.org/x/tools/cmd/deadcode@v0.52.0

# apt_install COMMAND:PACKAGE...: installs, with apt-get, the Debian package
# of each COMMAND that is not on PATH.
apt_install() {
  local missing=() pair
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  echo "installing ${missing[*]} (apt-get)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# go_tool NAME MODULE@VERSION: installs a Go command at a pinned version,
# outside this module's go.mod, and prints its path.
go_tool() {
  local bin=${XDG_CACHE_HOME:-$HOME/.cache}/rules_goimage/bin
  [ -x "$bin/$1" ] || (cd / && GOBIN=$bin go install "$2") >&2
  echo "$bin/$1"
}

# free_port prints a port of 127.0.0.1 that nothing listens on.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# start_registry DIR [-slow BYTES_PER_SECOND] [htpasswd|token USER PASSWORD]:
# starts the registry the Go tests use (tools/assembler/internal/testenv/cmd/registry:
# Debian's docker-registry, plain, with htpasswd or with bearer-token auth;
# with -slow, behind the fault proxy's slow mode) with its files in DIR, and
# prints its host:port once it answers. stop_registry DIR stops it;
# DIR/registry.pid is its pid, for callers in a subshell.
start_registry() {
  local dir=$1 auth=()
  shift
  if [ "${1:-}" = -slow ]; then auth=(-slow "$2"); shift 2; fi
  [ $# -lt 1 ] || auth+=(-auth "$1" -user "$2" -password "$3")
  apt_install docker-registry:docker-registry htpasswd:apache2-utils
  mkdir -p "$dir"
  rm -f "$dir/address"
  (cd "$TESTLIB_PROJECT" && go build -o "$dir/registry" ./tools/assembler/internal/testenv/cmd/registry)
  "$dir/registry" -dir "$dir" "${auth[@]}" >"$dir/registry.out" 2>&1 &
  echo $! >"$dir/registry.pid"
  while [ ! -s "$dir/address" ]; do
    kill -0 "$(cat "$dir/registry.pid")" 2>/dev/null || { cat "$dir/registry.out" >&2; return 1; }
    sleep 0.1
  done
  cat "$dir/address"
}

stop_registry() {
  [ -f "$1/registry.pid" ] || return 0
  kill "$(cat "$1/registry.pid")" 2>/dev/null || true
  rm -f "$1/registry.pid"
}

# debian_mirror prints the Debian mirror this machine's apt is configured with
# (never a hard-coded host), which tools/bazel and tools/docker-containerd.sh
# debootstrap Debian's forky suite from.
debian_mirror() {
  local m
  m=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$m" ] || m=$(awk '/^deb / && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$m" ] || { echo "no Debian mirror found in /etc/apt" >&2; return 1; }
  echo "${m%/}"
}
