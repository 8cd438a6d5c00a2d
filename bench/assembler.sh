#!/usr/bin/env bash
# Times the image part of a Go image build, side by side, on the same binary
# (the assembler itself) and the same base image (CA certificates and tzdata,
# served by a local registry):
#
#   assembler   assembler build --base REGISTRY/base@sha256:... --binary BIN
#   ko          ko build --push=false --tarball (its go build is warm: the
#               same build ran just before; "go build" shows what that costs).
#               KO_DOCKER_REPO is not ko.local, which would load every build
#               into the Docker engine too.
#   crane       tar the binary, crane append (pushes) + crane mutate (writes
#               the tarball)
#   lower bound gzip + sha256 of the binary in process (bench/lowerbound)
#
# Run on demand, not in CI:  bench/assembler.sh [RUNS]   (or: ./tools/run_tests.sh bench)
# Needs go; installs docker-registry and hyperfine (apt), crane and ko.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tools/testlib.sh
. tools/testlib.sh
RUNS=${1:-10}
WORK=$(mktemp -d)

cleanup() {
  stop_registry "$WORK/registry"
  rm -rf "$WORK"
}
trap cleanup EXIT

install_tools() {
  apt_install hyperfine:hyperfine
  go_tool ko "$KO" >/dev/null
  PATH=$(dirname "$(go_tool crane "$CRANE")"):$PATH
  export PATH
}

# make_base pushes a base image of CA certificates and tzdata, built by the
# assembler, and prints its reference pinned by digest.
make_base() {
  "$ASSEMBLER" layer --tree /etc/ssl/certs=/etc/ssl/certs --tree /usr/share/zoneinfo=/usr/share/zoneinfo \
    --output "$WORK/base.tar.gz" --descriptor "$WORK/base.json" --quiet
  "$ASSEMBLER" build --layer "$WORK/base.json" --output "$WORK/base.tar" --quiet
  crane push "$WORK/base.tar" "$REGISTRY/base:v1" >/dev/null 2>&1
  echo "$REGISTRY/base@$(crane digest "$REGISTRY/base:v1")"
}

main() {
  install_tools
  ASSEMBLER=$WORK/assembler
  CGO_ENABLED=0 go build -trimpath -o "$ASSEMBLER" ./tools/assembler
  REGISTRY=$(start_registry "$WORK/registry")
  BASE=$(make_base)
  export KO_DOCKER_REPO=registry.example.com/bench KO_DEFAULTBASEIMAGE=$BASE ASSEMBLER BASE WORK REGISTRY
  echo "binary: $ASSEMBLER ($(stat -c %s "$ASSEMBLER") bytes); base: $BASE"
  # ko builds the binary itself: warm its Go build cache first.
  ko build --push=false --tarball "$WORK/ko.tar" ./tools/assembler >/dev/null 2>&1
  hyperfine --warmup 2 --runs "$RUNS" --export-json "$WORK/times.json" \
    -n assembler "\$ASSEMBLER build --base \$BASE --binary \$ASSEMBLER --output \$WORK/a.tar --quiet" \
    -n ko "ko build --push=false --tarball \$WORK/ko.tar ./tools/assembler >/dev/null 2>&1" \
    -n crane "tar -C \$(dirname \$ASSEMBLER) -cf \$WORK/layer.tar assembler && crane append -b \$BASE -f \$WORK/layer.tar -t \$REGISTRY/crane:tmp >/dev/null 2>&1 && crane mutate \$REGISTRY/crane:tmp --entrypoint /assembler -o \$WORK/crane.tar >/dev/null 2>&1" \
    -n "go build (warm)" "go build -trimpath -o \$WORK/gobuild ./tools/assembler"
  go run ./bench/lowerbound -binary "$ASSEMBLER" -runs "$RUNS" >"$WORK/lower.txt"
  summarize
}

# summarize prints, side by side, the median wall time and the mean CPU time
# (user + system, which other work on a shared machine disturbs less) of each
# command, their ratios to the lower bound (the assembler's compressor), and
# the assembler's ratios to the peers.
summarize() {
  python3 - "$WORK/times.json" "$WORK/lower.txt" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
wall = {r["command"]: r["median"] * 1000 for r in results}
cpu = {r["command"]: (r["user"] + r["system"]) * 1000 for r in results}
for t in (wall, cpu):
    t["ko minus go build"] = t["ko"] - t["go build (warm)"]
lower = {line.split()[0]: [float(x) for x in line.split()[1:]] for line in open(sys.argv[2])}
wall["lower bound"], cpu["lower bound"] = lower["assembler-gzip"]
wall["  (stdlib gzip)"], cpu["  (stdlib gzip)"] = lower["stdlib-gzip"]
lbw, lbc = wall["lower bound"], cpu["lower bound"]
print("\n%-20s %9s %8s %9s %8s" % ("", "wall ms", "x lower", "CPU ms", "x lower"))
for name in ["assembler", "ko", "ko minus go build", "crane", "go build (warm)", "lower bound", "  (stdlib gzip)"]:
    print("%-20s %9.0f %8.1f %9.0f %8.1f" % (name, wall[name], wall[name] / lbw, cpu[name], cpu[name] / lbc))
for label, t, lb in (("wall", wall, lbw), ("CPU", cpu, lbc)):
    a = t["assembler"]
    print("%s: assembler is %.1fx faster than ko (%.1fx without its go build), %.1fx faster than crane, %.2fx the lower bound"
          % (label, t["ko"] / a, t["ko minus go build"] / a, t["crane"] / a, a / lb))
PY
}

main
