#!/usr/bin/env bash
# Run by tools/bazel inside its mount namespace: makes the chroot (the first
# argument) show each host path (the others) at its own location. A path
# already showing the same folder (same device and inode) is left alone; one
# showing a stale folder (deleted and made again) is replaced.
set -euo pipefail
C=$1; shift
same() { [ "$(stat -Lc %d:%i "$1" 2>/dev/null)" = "$(stat -Lc %d:%i "$2" 2>/dev/null)" ]; }
bind() { # bind SOURCE [TARGET]
  local src=$1 dst=$C${2:-$1}
  same "$src" "$dst" && return 0
  mountpoint -q "$dst" 2>/dev/null && umount -l "$dst"
  if [ -d "$src" ]; then mkdir -p "$dst"; else mkdir -p "$(dirname "$dst")"; touch "$dst"; fi
  mount --bind "$src" "$dst"
}
for p in "$@"; do bind "$p"; done
bind /dev
# bazel run targets that talk to a container engine (load into docker, say) see the
# host's. Sockets are mounted at their real path: the chroot's /var/run is an
# absolute symlink to /run, which mkdir and touch would follow out of the chroot.
for sock in /var/run/docker.sock /run/podman/podman.sock; do
  [ -S "$sock" ] && bind "$(readlink -f "$sock")"
done
for tool in docker podman; do
  if h=$(command -v "$tool"); then bind "$(readlink -f "$h")" "/usr/local/bin/$tool"; fi
done
mountpoint -q "$C/proc" || mount -t proc proc "$C/proc"
mkdir -p "$C/tmp"; chmod 1777 "$C/tmp"
