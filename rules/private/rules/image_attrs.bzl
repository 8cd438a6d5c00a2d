"""The attributes of go_image_rule."""

load("@bazel_skylib//rules:common_settings.bzl", "BuildSettingInfo")
load("//rules/private:actions/stamp.bzl", "STAMP_ATTRS")
load("//rules/private:aspects/base_import.bzl", "base_import_aspect")
load("//rules/private:aspects/go_package_metadata.bzl", "go_package_metadata_aspect")
load("//rules/private:providers/go_image_layer_info.bzl", "GoImageLayerInfo")
load("//rules/private:transitions.bzl", "image_platforms_transition")

# The image config's attributes: each is the field of the same name of the
# config file the assembler reads (image.Config in Go), which checks it.
CONFIG_ATTRS = {
    "entrypoint": attr.string_list(
        doc = "The image's entrypoint. Default: the binary.",
    ),
    "cmd": attr.string_list(
        doc = "The image's default arguments, appended to the entrypoint.",
    ),
    "env": attr.string_dict(
        doc = """Environment variables, set over the base's. A value may use the base's variables, as
Docker's `ENV` does: `{"PATH": "/app/bin:$PATH"}` (or `${PATH}`) puts `/app/bin` before the
base's `PATH`. A variable the base does not set is empty; `${NAME:-WORD}` and `${NAME:+WORD}`
work as in Docker, and `\\$` is a literal `$`.""",
    ),
    "workdir": attr.string(
        doc = "The working directory of the image's process. Default: the base's.",
    ),
    "user": attr.string(
        doc = "The user the process runs as, `name`, `uid` or `uid:gid`, such as `\"65532:65532\"` or `\"nonroot\"`. Default: the base's.",
    ),
    "exposed_ports": attr.string_list(
        doc = "Ports the image exposes, `port[/tcp|/udp|/sctp]` (tcp when none is named), such as `\"8080/tcp\"`.",
    ),
    "volumes": attr.string_list(
        doc = "Absolute paths the runtime mounts a volume at, such as `\"/var/lib/app\"`.",
    ),
    "stop_signal": attr.string(
        doc = "The signal that stops the container, such as `\"SIGTERM\"` or `\"SIGINT\"`. Default: the base's (the runtime's default, SIGTERM, when it has none).",
    ),
    "healthcheck": attr.string_list(
        doc = """The health check command, as Docker's `HEALTHCHECK` takes it: the arguments, such as
`["/app/server", "-healthcheck"]` (run directly), or `["CMD-SHELL", "curl -f http://localhost/"]`
(through the image's shell), or `["NONE"]` to turn off the base's check. Kubernetes ignores
it; docker, podman and Compose run it.""",
    ),
    "healthcheck_options": attr.string_dict(
        doc = """Options of `healthcheck`: `interval`, `timeout`, `start_period`, `start_interval`
(durations such as `"30s"`) and `retries` (a number).""",
    ),
}

GO_IMAGE_ATTRS = {
    "binary": attr.label(
        doc = "The `go_binary` to put into the image. It is built once per platform of `platforms`, whatever the host is: as pure Go (no cgo), unless `pure = \"off\"`.",
        mandatory = True,
        # Not executable = True: with a split transition there is one
        # executable per platform, which ctx.executable cannot hold.
        cfg = image_platforms_transition,
        aspects = [go_package_metadata_aspect],
    ),
    "pure": attr.string(
        doc = """Whether the binary is built as pure Go, without cgo, as rules_go's `pure` names it.

* `"auto"` (the default): pure Go, for every image platform, a static binary that runs on
  any base; a binary whose package declares `cgo = True` is refused, explaining why.
* `"on"`: pure Go all the same, for programs whose cgo files have pure Go fallbacks.
* `"off"`: with cgo, for rules_go's `<os>_<arch>_cgo` platform of each image platform, with
  the C toolchain Bazel resolves for it (the host's C compiler builds for the host's
  platform; other platforms need a cross C toolchain registered, such as one from
  toolchains_llvm). The binary is then linked dynamically, and the image must hold its ELF
  interpreter and every library it needs: the build checks that in the base and the
  image's layers, and fails naming what is missing (see `checks`). A base made from
  Debian's `libc6` package (`tars`), or distroless `base`/`cc`, has them.""",
        default = "auto",
        values = ["auto", "on", "off"],
    ),
    "tars": attr.label_list(
        doc = """Tar files to add as layers, one layer each, in order, right above the base: outputs
of `pkg_tar` or a `genrule`, or checked-in tarballs. Plain, gzip and zstd tars are read (told
by their bytes, not their names). Owners, modes, links and extended attributes in the tar are
kept. Modification times later than 2000-01-01 (the fixed time of `pkg_tar`) are set to it,
unless `keep_tar_mtimes`, so that a tar written at build time gives the same layer. A
compressed tar with no time to change (and, for gzip, no time in its header: `gzip -n`) is
the layer byte for byte, not recompressed. For a tar that many images share, make it a
`goimage_layer` once and list it in `layers`. Like the binary, tars are built for each image
platform; a checked-in tar is the same file for all, and its layer is written once.""",
        allow_files = [".tar", ".tar.gz", ".tgz", ".tar.zst", ".tzst"],
        cfg = image_platforms_transition,
    ),
    "keep_tar_mtimes": attr.bool(
        doc = "Keep the modification times of `tars` entries as they are.",
    ),
    "owner": attr.string(
        doc = "The owner of the `data` files in the image, `uid:gid` in numbers, such as `\"65532:65532\"`. Default: `0:0`. The binary stays `0:0` with mode 0755: the process cannot change it.",
    ),
    "compression": attr.string(
        doc = """How the image's own layers are compressed: `"gzip"` or `"zstd"`. Default: the
`@rules_goimage//rules:compression` build setting (`gzip` unless set). zstd layers are smaller
and faster to unpack; every current runtime reads them (containerd 1.5+, Docker 23+, podman).""",
        values = ["", "gzip", "zstd"],
    ),
    "checks": attr.string_dict(
        doc = """Levels of the build's checks of the image, by check name: `"error"`, `"warn"` or
`"off"`. The checks and their defaults: `architecture` (error: an ELF executable or library in the
image's own layers, the binary's, `tars`, `data` or `layers`, that is for another machine than the
image's platform), `base-architecture` (warn: one in the base), `dynamic` (error: a dynamically linked binary whose
ELF interpreter or libraries the image lacks), `ca-certificates` (warn: the binary uses
crypto/x509 and the image has no CA certificates), `tzdata` (warn: the binary calls
time.LoadLocation without embedding time/tzdata, and the image has no zoneinfo), `user`
(error: `user` names an account the image's /etc/passwd lacks) and `entrypoint` (error: the
entrypoint is missing, not executable, or shadowed by a base file on PATH). See
docs/assembler.md.""",
    ),
    "base": attr.label(
        doc = """The base image. Without it the image starts from scratch. One of:

* the `:image` target of a base from the `goimage` module extension (`@distroless_static//:image`);
* another `go_image`;
* any target whose one output is an OCI image layout directory or an image tarball (OCI
  archive, `docker save`, go-containerregistry tarball), such as a go_image's `NAME.layout` or
  a checked-in tarball; of a target with several outputs, the one that is a directory or an
  image tarball (`.tar`, `.tar.gz`, `.tgz`, `.tar.zst`), else the build fails naming them and
  the output group to pick with a `filegroup(output_group = ...)` (rules_img's `image_manifest`:
  `"oci_layout"`). It is imported by an action, checked as a
  `goimage.local` base is (every blob against its digest, every layer against its diff_id),
  once per target however many images use it (a checked-in file: once per image; for a file
  that many images share, `goimage.local` imports it once per workspace).

A multi-platform base gives each platform its own manifest.""",
        allow_files = True,
        aspects = [base_import_aspect],
    ),
    "platforms": attr.string_list(
        doc = """The platforms to build the image for, `os/arch[/variant]`. One platform makes an image;
several make one OCI image index with an image per platform.""",
        default = ["linux/amd64"],
    ),
    "binary_path": attr.string(
        doc = "Where the binary goes in the image. Default: `/app/<binary name>`.",
    ),
    "capabilities": attr.string_list(
        doc = """Linux file capabilities of the binary, as ko's `linux_capabilities` takes them:
names such as `"cap_net_bind_service"` (also `"CAP_NET_BIND_SERVICE"` or `"net_bind_service"`),
which the binary gets as permitted (the program raises them to effective), or setcap clauses
such as `"cap_net_bind_service+ep"`, effective from the start. Written as the binary's
`security.capability` extended attribute, byte for byte as ko writes it; an unknown name fails
the build, naming it. They let a process that does not run as root, such as user `65532`, use
what the container grants: `docker run` grants `NET_BIND_SERVICE` by default.""",
    ),
    "created": attr.string(
        doc = """The image's creation time, in its config and history: an RFC 3339 time such as
`"2024-05-01T12:00:00Z"`, or `"{BUILD_TIMESTAMP}"`, the time of a build with `--stamp` (see
`stamp`; a build that does not stamp keeps the default), which the assembler checks.
Default: the Unix epoch, so that images are reproducible.""",
    ),
    "labels": attr.string_dict(
        doc = "Labels of the image config. Values may use workspace status placeholders, see `stamp`.",
    ),
    "annotations": attr.string_dict(
        doc = "Annotations of the image manifest. Values may use workspace status placeholders, see `stamp`.",
    ),
    "data": attr.label_list(
        doc = """Files to put into the image, in one layer of their own, below `data_path`, at their
path relative to the go_image's package (less `data_strip_prefix`). Directories
(tree artifacts) go in with everything they hold. Like the binary, they are built for each
image platform (a go_binary among them is that platform's); checked-in files are the same for all,
and their layer is written once.""",
        allow_files = True,
        cfg = image_platforms_transition,
    ),
    "data_strip_prefix": attr.string(
        doc = "A package-relative folder removed from the paths of `data` files, such as `\"kodata\"`.",
    ),
    "data_path": attr.string(
        doc = "The folder in the image that `data` files go to.",
        default = "/app/data",
    ),
    "layers": attr.label_list(
        doc = """Further layers, from `goimage_layer`, in order, between the `data` layer and the binary's
layer, which is on top. The layers from the base up: the base's, `tars`, `data`, `layers`, the
binary. Like the binary, each is built for each image platform: a go_binary or a C tool in a
`goimage_layer`'s files is that platform's.""",
        providers = [GoImageLayerInfo],
        cfg = image_platforms_transition,
    ),
    "sbom": attr.bool(
        doc = """Also write an SPDX 2.3 JSON SBOM of each platform's binary and attach it to the
image as an OCI 1.1 referrer (an artifact manifest whose subject is the image), in
the layout and the tarball. It lists the Go standard library and the Go modules
that provide the packages linked into the binary, at the versions that were
linked: those the binary's build info records, when it records them (rules_go
does from v0.63.0 on; untested here), else those Gazelle's `go_deps` fetched (after minimal version selection over
every Bazel module's go.mod, and after `replace` directives), which the package
metadata of each module's repository names; see `go_mod` for the others. The files are in the output group
`sbom`: `<name>.spdx.json` for one platform, `_<name>/<os>_<arch>/sbom.spdx.json`
for each of several.""",
    ),
    "provenance": attr.bool(
        doc = """Also write the build provenance of each platform's image, an in-toto Statement v1
with an SLSA Provenance v1 predicate (`https://slsa.dev/provenance/v1`), and attach it to
the image as an OCI 1.1 referrer of artifact type `application/vnd.in-toto+json`, in the
layout and the tarball; `.push` pushes it with the image, and cosign can sign it as an
attestation (`--type slsaprovenance1`). Its subject is the image manifest, named by this
target's label. It records this label and the platform, the base by name and digest, the
Go standard library and the modules linked into the binary (as `sbom` lists them), and, when the build stamps (see `stamp`), the source revision
(`STABLE_GIT_COMMIT`, else `BUILD_SCM_REVISION`, a full git commit hash) and
`BUILD_TIMESTAMP`. Without stamping it holds no revision and no time, and is reproducible.
The files are in the output group `provenance`: `<name>.provenance.json` for one platform,
`_<name>/<os>_<arch>/provenance.json` for each of several. See docs/assembler.md.""",
    ),
    "go_mod": attr.label(
        doc = """Optional: the go.mod of the binary's module, such as `"//:go.mod"`, for `sbom` and
`provenance` of a binary whose build info lists no modules. It names the main
module, notes the replacements it makes, and gives a version to the modules
whose repositories have no package metadata (Bazel modules, repositories
declared by hand): the version it requires, which may not be the linked one.
The versions of `go_deps`' modules come from their package metadata, not from it.""",
        allow_single_file = [".mod"],
    ),
    "repo_tags": attr.string_list(
        doc = """Names the image carries in its tarball, as `docker load` shows them, such as
`"example.com/app:dev"`. Default: `bazel/<package>:<name>`. May use workspace status placeholders, see `stamp`.""",
    ),
    "_allowlist_function_transition": attr.label(
        default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
    ),
    "_tarball": attr.label(
        default = Label("//rules:tarball"),
        providers = [BuildSettingInfo],
    ),
    "_compression": attr.label(
        default = Label("//rules:compression"),
        providers = [BuildSettingInfo],
    ),
}

GO_IMAGE_ATTRS.update(CONFIG_ATTRS)
GO_IMAGE_ATTRS.update(STAMP_ATTRS)
