#!/usr/bin/env bash
# tools/docker-containerd.sh: a second Docker engine, Docker >= 25 with the
# containerd image store, for the load tests (the engine `docker load` of an
# OCI layout and `.load` are meant for). The host's engine is left alone.
#
#   tools/docker-containerd.sh start   create the engine if needed and start it
#   tools/docker-containerd.sh stop    stop it (the chroot and its images stay)
#   tools/docker-containerd.sh env     print DOCKER_HOST=... for it
#   tools/docker-containerd.sh docker ARGS...   its own docker CLI (28)
#
# Once per machine (a few minutes) Debian's forky suite, which has docker.io 28
# and containerd 2, is debootstrapped into $GOIMAGE_DOCKER_ROOT
# (/opt/goimage-docker); later calls reuse it. The engine runs in that chroot,
# in a mount namespace of its own, with its own data-root, exec-root, pidfile,
# containerd and socket (unix:///run/goimage-docker/docker.sock), the
# containerd-snapshotter feature, no iptables rules and a bridge of its own
# ($GOIMAGE_DOCKER_BRIDGE, goimage0, on $GOIMAGE_DOCKER_BIP, 10.199.28.1/24):
# never the host's docker0. Its containerd (dockerd starts it) listens in the
# exec-root, which is in the folder the host shares:
# /run/goimage-docker/exec/containerd/containerd.sock is the same socket on
# the host, as `docker info` names it, so loads into it are incremental.
# Needs root.
set -euo pipefail

log() { echo "docker-containerd: $*" >&2; }

PROJECT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
ROOT=${GOIMAGE_DOCKER_ROOT:-/opt/goimage-docker}
RUN=/run/goimage-docker
SOCK=$RUN/docker.sock
PIDFILE=$RUN/docker.pid
LOGFILE=$RUN/dockerd.log
BRIDGE=${GOIMAGE_DOCKER_BRIDGE:-goimage0}
BIP=${GOIMAGE_DOCKER_BIP:-10.199.28.1/24}
# docker-buildx: BuildKit's attestations, as `docker buildx build` stores them.
PACKAGES="docker.io docker-cli docker-buildx containerd ca-certificates"

# shellcheck source=tools/testlib.sh
. "$PROJECT/tools/testlib.sh"

# lock makes concurrent calls wait for each other (released at exit).
lock() {
  mkdir -p "$(dirname "$ROOT")"
  exec 9>"$ROOT.lock"
  flock 9
}

ensure_chroot() {
  if [ -e "$ROOT/.goimage-docker-ready" ]; then
    [ "$(cat "$ROOT/.goimage-docker-ready")" = "$PACKAGES" ] && return 0
    log "installing $PACKAGES into $ROOT"
    # shellcheck disable=SC2086 # a list of package names
    { chroot "$ROOT" apt-get update && chroot "$ROOT" env DEBIAN_FRONTEND=noninteractive \
      apt-get install -y --no-install-recommends $PACKAGES; } >>"$ROOT.log" 2>&1 || {
      log "installing packages failed; see $ROOT.log"; exit 1; }
    echo "$PACKAGES" >"$ROOT/.goimage-docker-ready"
    return 0
  fi
  apt_install debootstrap:debootstrap
  local tmp=$ROOT.tmp mirror
  mirror=$(debian_mirror)
  rm -rf "$tmp"
  log "creating a Debian forky chroot with Docker in $ROOT (a few minutes, once per machine; log: $ROOT.log)"
  {
    debootstrap --variant=minbase forky "$tmp" "$mirror" /usr/share/debootstrap/scripts/sid &&
      # A snapshot mirror's Release file can be past its Valid-Until date.
      echo 'Acquire::Check-Valid-Until "false";' >"$tmp/etc/apt/apt.conf.d/99goimage-docker" &&
      # No service starts in the chroot while packages are installed.
      printf '#!/bin/sh\nexit 101\n' >"$tmp/usr/sbin/policy-rc.d" && chmod +x "$tmp/usr/sbin/policy-rc.d" &&
      chroot "$tmp" apt-get update &&
      # docker-cli is only a Recommends of docker.io.
      # shellcheck disable=SC2086 # a list of package names
      chroot "$tmp" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $PACKAGES &&
      chroot "$tmp" apt-get clean
  } >"$ROOT.log" 2>&1 || {
    log "creating the chroot failed; the last lines of $ROOT.log:"
    tail -20 "$ROOT.log" >&2
    exit 1
  }
  rm -rf "$ROOT"
  mv "$tmp" "$ROOT"
  echo "$PACKAGES" >"$ROOT/.goimage-docker-ready"
}

running() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# The engine's bridge, made here: an engine with a bridge name of its own
# never touches the host engine's docker0 (nor does "bridge": "none", which
# would delete it).
ensure_bridge() {
  ip link show "$BRIDGE" >/dev/null 2>&1 || ip link add "$BRIDGE" type bridge
  ip -4 addr show dev "$BRIDGE" | grep -q "inet $BIP" || ip addr add "$BIP" dev "$BRIDGE"
  ip link set "$BRIDGE" up
}

write_config() {
  local mtu
  mtu=$(ip -o link show "$(ip route show default | awk '{print $5; exit}')" 2>/dev/null | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
  mkdir -p "$ROOT/etc/goimage-docker"
  cat >"$ROOT/etc/goimage-docker/daemon.json" <<JSON
{
  "features": {"containerd-snapshotter": true},
  "hosts": ["unix://$SOCK"],
  "data-root": "/var/lib/goimage-docker",
  "exec-root": "$RUN/exec",
  "pidfile": "$PIDFILE",
  "bridge": "$BRIDGE",
  "iptables": false,
  "ip6tables": false,
  "ip-forward": false,
  "cgroup-parent": "goimage-docker",
  "mtu": ${mtu:-1500}
}
JSON
}

start() {
  ensure_chroot
  if running; then return 0; fi
  ensure_bridge
  write_config
  mkdir -p "$RUN"
  log "starting dockerd (Docker $(chroot "$ROOT" dpkg-query -W -f '${Version}' docker.io)) on unix://$SOCK; log: $LOGFILE"
  # In a mount namespace of its own: the chroot's /proc, /sys, /dev and
  # /run, and the socket's folder shared with the host, vanish with it.
  setsid unshare --mount --propagation private /bin/sh -ec '
    R=$1 RUN=$2
    # A mount point of its own: containerd finds its folders in mountinfo.
    mount --bind "$R" "$R"
    mount --rbind /dev "$R/dev"
    mount -t proc proc "$R/proc"
    mount --rbind /sys "$R/sys"
    mount -t tmpfs tmpfs "$R/run"
    mkdir -p "$R$RUN"
    mount --bind "$RUN" "$R$RUN"
    exec chroot "$R" /usr/sbin/dockerd --config-file /etc/goimage-docker/daemon.json
  ' sh "$ROOT" "$RUN" >"$LOGFILE" 2>&1 </dev/null 9>&- &
  local i
  for i in $(seq 1 120); do
    if [ -S "$SOCK" ] && docker_cli version >/dev/null 2>&1; then
      docker_cli info --format '{{json .DriverStatus}}' | grep -q io.containerd.snapshotter || {
        log "the engine on $SOCK does not use the containerd image store; see $LOGFILE"
        exit 1
      }
      return 0
    fi
    sleep 0.5
  done
  log "dockerd did not answer on $SOCK within 60s; the last lines of $LOGFILE:"
  tail -20 "$LOGFILE" >&2
  exit 1
}

stop() {
  running || return 0
  local pid i
  pid=$(cat "$PIDFILE")
  kill "$pid"
  for i in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  kill -0 "$pid" 2>/dev/null && { log "dockerd ($pid) did not stop within 30s"; exit 1; }
  rm -f "$PIDFILE"
}

# The engine's own client (docker-cli 28, the host's may be older or
# missing), run where the engine runs.
docker_cli() {
  local pid
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  nsenter --target "$pid" --mount --root /usr/bin/docker -H "unix://$SOCK" "$@"
}

case "${1:-}" in
  install) lock; ensure_chroot ;;
  start) lock; start ;;
  stop) lock; stop ;;
  env) echo "DOCKER_HOST=unix://$SOCK" ;;
  docker) shift; docker_cli "$@" ;;
  *) echo "usage: $0 start|stop|env|install|docker ARGS..." >&2; exit 2 ;;
esac
