#!/usr/bin/env bash
# Writes the benchmark's base images into bench/workspace/bases/, as OCI
# layouts of random (incompressible) layers: 10mb, 200mb, 1gb, and
# 200mb-two-platforms (linux/amd64 and linux/arm64). A base that exists is
# kept. Usage: bench/make_bases.sh [SIZE...]   (default: all four)
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
PROJECT=$(dirname "$BENCH")
BASES=$BENCH/workspace/bases
WORK=$(mktemp -d "${TMPDIR:-/tmp}/goimage-bases.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ASSEMBLER=$WORK/assembler
(cd "$PROJECT" && go build -trimpath -o "$ASSEMBLER" ./tools/assembler)

# layers N MB PREFIX: writes N layers of MB megabytes of random bytes each and
# prints their descriptors as --layer flags.
layers() {
  local n=$1 mb=$2 prefix=$3 i
  for i in $(seq "$n"); do
    mkdir -p "$WORK/$prefix$i"
    head -c "$((mb << 20))" /dev/urandom >"$WORK/$prefix$i/data"
    "$ASSEMBLER" layer --tree "$WORK/$prefix$i=/data/$prefix$i" --compression-level 1 \
      --output "$WORK/$prefix$i.tar.gz" --descriptor "$WORK/$prefix$i.json" --quiet
    rm -r "${WORK:?}/$prefix$i"
    printf -- '--layer %s ' "$WORK/$prefix$i.json"
  done
}

# base NAME LAYERS MB [PLATFORM]: one image of LAYERS layers of MB each.
base() {
  local name=$1 platform=${4:-linux/amd64} flags
  flags=$(layers "$2" "$3" "$name-")
  # shellcheck disable=SC2086 # the flags are words
  "$ASSEMBLER" build --base scratch --platform "$platform" $flags --layout "$WORK/$name" --quiet
  echo "$WORK/$name"
}

make() {
  local name=$1
  [ -e "$BASES/$name/index.json" ] && { echo "bases/$name exists"; return; }
  mkdir -p "$BASES"
  case $name in
    10mb) mv "$(base 10mb 2 5)" "$BASES/10mb" ;;
    200mb) mv "$(base 200mb 4 50)" "$BASES/200mb" ;;
    1gb) mv "$(base 1gb 8 128)" "$BASES/1gb" ;;
    200mb-two-platforms)
      "$ASSEMBLER" index --image "$(base amd64 2 50 linux/amd64)" --image "$(base arm64 2 50 linux/arm64)" \
        --layout "$BASES/$name" --quiet ;;
    *) echo "unknown base $name" >&2; exit 2 ;;
  esac
  echo "wrote bases/$name ($(du -sh "$BASES/$name" | cut -f1))"
}

SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10mb 200mb 1gb 200mb-two-platforms)
for s in "${SIZES[@]}"; do make "$s"; done
