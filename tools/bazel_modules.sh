# shellcheck shell=bash
# Sourced by tools/bazel: the modules and repositories that the chroot's Bazel
# reads in place of downloads. rules_go and gazelle are copied from the Go
# module cache at the versions go.mod selects; the stand-ins, Debian's JDK and
# the bazelrc come from the checked-in files of tools/bazel_offline. It uses
# tools/bazel's CHROOT, MODS, ROOT, PROJECT, OFFLINE_FILES, STUBS, log and
# go_mod_version.

# The folder of a Go module in the module cache.
go_module_dir() {
  (cd / && GOFLAGS=-mod=mod go mod download -json "$1@$2") | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p'
}

# Copies a Go module into the chroot, with run bits on its scripts.
copy_module() {
  local dir
  dir=$(go_module_dir "$1" "$2")
  [ -n "$dir" ] || { log "cannot download Go module $1@$2"; exit 1; }
  cp -r "$dir" "$3"
}

write_stubs() {
  local m
  for m in $STUBS; do
    mkdir -p "$CHROOT$MODS/stubs/$m"
    sed "s/@NAME@/$m/" "$OFFLINE_FILES/stub/MODULE.bazel.in" >"$CHROOT$MODS/stubs/$m/MODULE.bazel"
    cp "$OFFLINE_FILES/stub/BUILD.bazel" "$CHROOT$MODS/stubs/$m/BUILD.bazel"
  done
  cp -r "$OFFLINE_FILES/package_metadata" "$CHROOT$MODS/stubs/package_metadata"
  # `bazel mod tidy` runs buildozer: compiled from the buildtools Go module go.mod names.
  cp -r "$OFFLINE_FILES/buildozer" "$CHROOT$MODS/stubs/buildozer"
  (cd / && CGO_ENABLED=0 GOBIN="$CHROOT$MODS/stubs/buildozer" go install \
    "github.com/bazelbuild/buildtools/buildozer@$(go_mod_version github.com/bazelbuild/buildtools)")
}

# rules_java's default toolchain asks for a downloaded JDK 21; point it at Debian's JDK.
write_local_jdk() {
  local jdk
  jdk=$(readlink -f "$CHROOT/usr/lib/jvm/default-java"); jdk=${jdk#"$CHROOT"}
  mkdir -p "$CHROOT$MODS/localjdk"
  cp "$OFFLINE_FILES/localjdk/REPO.bazel" "$CHROOT$MODS/localjdk/REPO.bazel"
  sed "s|@JAVA_HOME@|$jdk|" "$OFFLINE_FILES/localjdk/BUILD.bazel.in" >"$CHROOT$MODS/localjdk/BUILD.bazel"
}

write_bazelrcs() {
  local m
  {
    echo "# written by tools/bazel"
    echo "common --java_runtime_version=local_jdk --tool_java_runtime_version=local_jdk"
    echo "common --override_repository=rules_java~~toolchains~remote_java_tools=/usr/lib/x86_64-linux-gnu/bazel/java_tools"
    echo "common --override_repository=rules_java~~toolchains~remote_java_tools_linux=/usr/lib/x86_64-linux-gnu/bazel/java_tools"
    echo "common --override_repository=rules_java~~toolchains~remotejdk21_linux=$MODS/localjdk"
    echo "common --override_module=rules_go=$MODS/rules_go"
    echo "common --override_module=gazelle=$MODS/gazelle"
    echo "common --override_module=rules_shell=/usr/share/bazel/rules/shell"
    echo "common --override_module=package_metadata=$MODS/stubs/package_metadata"
    echo "common --override_module=buildozer=$MODS/stubs/buildozer"
    for m in $STUBS; do echo "common --override_module=$m=$MODS/stubs/$m"; done
    echo "common --noenable_workspace"
    echo "common --lockfile_mode=off"
    echo "build --nosandbox_debug"
    # Outputs are content-addressed: a cache shared by every clone on the machine
    # lets a fresh clone reuse what another one already built.
    echo "build --disk_cache=$ROOT/disk-cache"
    echo "build --experimental_disk_cache_gc_max_size=20G"
    # The same path inside and outside the chroot, so bazel-bin/ links resolve on both sides.
    echo "startup --output_user_root=$ROOT/output"
  } >"$CHROOT/root/.bazelrc"
  # Overriding a module that is not in the graph is an error, so this one is
  # added (--bazelrc) only for workspaces that name it.
  mkdir -p "$CHROOT$MODS/rc"
  echo "common --override_module=stardoc=/usr/share/bazel/tools/stardoc" >"$CHROOT$MODS/rc/stardoc.bazelrc"
}

ensure_modules() {
  local stamp
  # go list is slow next to a stat: the versions are looked up again only
  # when go.mod or the offline files change.
  stamp="$(stat -c %Y-%s "$PROJECT/go.mod")-$(find "$OFFLINE_FILES" -type f -printf '%T@-%s\n' | sort | cksum | cut -d' ' -f1)"
  [ "$(cat "$CHROOT$MODS/.stamp" 2>/dev/null)" = "$stamp" ] && return 0
  # Calls from several clones at once take turns: one prepares, the others reuse.
  (flock 8; prepare_modules "$stamp") 8>"$ROOT/.modules-lock"
}

prepare_modules() {
  local rules_go gazelle gazelle_v2 key stamp=$1
  rules_go=$(go_mod_version github.com/bazelbuild/rules_go)
  gazelle=$(go_mod_version github.com/bazelbuild/bazel-gazelle)
  gazelle_v2=$(go_mod_version github.com/bazel-contrib/bazel-gazelle/v2 2>/dev/null || echo none)
  key="$rules_go-$gazelle-$gazelle_v2-$(find "$OFFLINE_FILES" -type f | sort | xargs cat | cksum | cut -d' ' -f1)"
  if [ -e "$CHROOT$MODS/.ready-$key" ]; then echo "$stamp" >"$CHROOT$MODS/.stamp"; return 0; fi
  log "preparing rules_go $rules_go and gazelle $gazelle for the chroot"
  rm -rf "$CHROOT$MODS"; mkdir -p "$CHROOT$MODS/stubs"
  copy_module github.com/bazelbuild/rules_go "$rules_go" "$CHROOT$MODS/rules_go"
  copy_module github.com/bazelbuild/bazel-gazelle "$gazelle" "$CHROOT$MODS/gazelle"
  # gazelle >= 0.48 keeps part of itself in a nested Go module (v2/).
  if grep -q '"//v2' -r "$CHROOT$MODS/gazelle" --include=BUILD.bazel 2>/dev/null; then
    copy_module github.com/bazel-contrib/bazel-gazelle/v2 "$gazelle_v2" "$CHROOT$MODS/gazelle/v2"
    touch "$CHROOT$MODS/gazelle/v2/go.sum" # listed by gazelle's own source list
  fi
  chmod -R u+w "$CHROOT$MODS"
  find "$CHROOT$MODS" -name '*.sh' -exec chmod +x {} +
  write_stubs
  write_local_jdk
  write_bazelrcs
  touch "$CHROOT$MODS/.ready-$key"
  echo "$stamp" >"$CHROOT$MODS/.stamp"
}
