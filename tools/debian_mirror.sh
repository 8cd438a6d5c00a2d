# shellcheck shell=bash
# debian_mirror prints the Debian mirror this machine's apt is configured with
# (never a hard-coded host). Sourced by tools/bazel and tools/docker-containerd.sh,
# which debootstrap Debian's forky suite from it.
debian_mirror() {
  local m
  m=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$m" ] || m=$(awk '/^deb / && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  [ -n "$m" ] || { echo "no Debian mirror found in /etc/apt" >&2; return 1; }
  echo "${m%/}"
}
