"""The go_image_rule: a Go binary on a base image, for one platform or several."""

load("@bazel_skylib//rules:common_settings.bzl", "BuildSettingInfo")
load("@rules_go//go:def.bzl", "GoArchive")
load("//rules/private:actions/image.bzl", "emit_image")
load("//rules/private:actions/image_input.bzl", "image_input_files")
load("//rules/private:actions/index.bzl", "emit_index")
load("//rules/private:actions/layer.bzl", "emit_layer", "layer_file")
load("//rules/private:actions/pack.bzl", "emit_pack")
load("//rules/private:actions/provenance.bzl", "declare_provenance")
load("//rules/private:actions/stamp.bzl", "STAMP_ATTRS", "should_stamp", "values_file")
load("//rules/private:aspects/base_import.bzl", "base_import_aspect", "import_image")
load("//rules/private:aspects/go_package_metadata.bzl", "GoPackageMetadataInfo", "go_package_metadata_aspect")
load("//rules/private:healthcheck_options.bzl", "HEALTHCHECK_OPTIONS")
load("//rules/private:platforms.bzl", "check_platform", "platform_path")
load("//rules/private:providers/go_image_info.bzl", "GoImageInfo")
load("//rules/private:providers/go_image_layer_info.bzl", "GoImageLayerInfo")
load("//rules/private:rules/base_platforms.bzl", "check_base_platforms")
load("//rules/private:rules/image_layers.bzl", "platform_layers")
load("//rules/private:rules/toolchain.bzl", "ASSEMBLER_TOOLCHAIN_TYPE", "find_assembler")
load("//rules/private:transitions.bzl", "image_platforms_transition")

def default_repo_tag(label):
    """bazel/<package>:<name>, the name `docker load` gives a go_image without repo_tags.

    Args:
      label: the go_image's Label.

    Returns:
      The image name, lower case as image names must be.
    """
    repository = "bazel/" + label.package if label.package else "bazel/" + label.name
    return "{}:{}".format(repository.lower(), label.name.lower())

def _check_platforms(platforms):
    if not platforms:
        fail("platforms is empty; name at least one, such as \"linux/amd64\"")
    seen = {}
    for p in platforms:
        check_platform(p)
        if p in seen:
            fail("platform {} is listed twice in platforms".format(repr(p)))
        seen[p] = True

def _check_cgo(ctx, binary_target):
    """Refuses a binary that declares cgo, which the pure build leaves with nothing to link."""
    if ctx.attr.pure != "auto" or GoArchive not in binary_target:
        return

    # rules_go keeps whether a package uses cgo (cgo = True) in a private
    # field; without it, the check is skipped, never wrong.
    if not getattr(binary_target[GoArchive].data, "_cgo", False):
        return
    fail("""binary {binary} is built with cgo (cgo = True), but go_image builds its binary as pure Go,
for each image platform, so that the static binary runs on any base. A main package whose Go files
all use cgo has nothing left then, and the link fails with "not package main".
Make the program build without cgo (pure Go packages, or files with //go:build !cgo); or, when
its cgo files have pure Go fallbacks, set pure = "on" on the go_image to build it pure without
this check; or set pure = "off" to build it with cgo, on a base that has its C libraries.""".format(binary = ctx.attr.binary[0].label))

def _compression(ctx):
    return ctx.attr.compression or ctx.attr._compression[BuildSettingInfo].value

def _binary_layer(ctx, assembler, platform, binary, binary_path):
    return emit_layer(
        ctx,
        assembler = assembler,
        name = "_{}/{}/binary".format(ctx.label.name, platform_path(platform)),
        files = [layer_file(binary, binary_path, "0755")],
        compression = _compression(ctx),
        created_by = "go binary " + binary_path,
        mnemonic = "GoImageBinaryLayer",
        # The binary is checked here, for every image: a script or a binary
        # for another platform makes an image that fails only when it runs.
        binary_for = platform,
        capabilities = ctx.attr.capabilities,
    )

def _external_importpath(archive_data):
    # The main repository's packages are the main module's, whatever their
    # import path (a go_binary without importpath gets one from its label).
    return archive_data.importpath if archive_data.label.workspace_name else None

def _modules(ctx, platform, binary_target, binary, single):
    """The modules of one platform's binary, which the SBOM and the provenance list.

    A binary whose build info records its modules (rules_go's since v0.63.0)
    is the truth; for the others, its packages as Bazel linked them, each
    with the package URL of the repository go_deps fetched it into, which
    names the module and the version that was linked.
    """
    if GoArchive not in binary_target:
        wanted = " and ".join([a + " = True" for a in ["sbom", "provenance"] if getattr(ctx.attr, a)])
        fail("{} needs a go_binary; {} is not one".format(wanted, ctx.attr.binary[0].label))
    packages_path = ctx.label.name + "_packages.txt" if single else "_{}/{}/packages.txt".format(ctx.label.name, platform_path(platform))
    packages = ctx.actions.declare_file(packages_path)
    metadata = binary_target[GoPackageMetadataInfo]
    listing = ctx.actions.args()
    listing.set_param_file_format("multiline")
    listing.add_all(binary_target[GoArchive].transitive, map_each = _external_importpath)
    listing.add_all(metadata.packages)
    ctx.actions.write(packages, listing)
    return struct(binary = binary, packages = packages, go_mod = ctx.file.go_mod)

def _sbom(ctx, platform, single):
    path = ctx.label.name + ".spdx.json" if single else "_{}/{}/sbom.spdx.json".format(ctx.label.name, platform_path(platform))
    return ctx.actions.declare_file(path)

def _pairs(flag, d):
    out = []
    for k, v in sorted(d.items()):
        out += [flag, "{}={}".format(k, v)]
    return out

def _check_port(port):
    number, _, protocol = port.partition("/")
    if not number.isdigit() or not (int(number) > 0 and int(number) < 65536) or protocol not in ["", "tcp", "udp", "sctp"]:
        fail("exposed_ports has {}, which is not port[/tcp|/udp|/sctp] with a port from 1 to 65535, such as \"8080/tcp\"".format(repr(port)))

def _healthcheck_flags(ctx):
    if ctx.attr.healthcheck_options and not ctx.attr.healthcheck:
        fail("healthcheck_options without healthcheck: give the check's command in healthcheck")
    flags = []
    for arg in ctx.attr.healthcheck:
        flags += ["--healthcheck-cmd", arg]
    for key, value in sorted(ctx.attr.healthcheck_options.items()):
        if key not in HEALTHCHECK_OPTIONS:
            fail("healthcheck_options has {}; the options are {}".format(repr(key), ", ".join(HEALTHCHECK_OPTIONS)))
        flags += ["--healthcheck-" + key.replace("_", "-"), value]
    return flags

def _env(ctx):
    # As ko does: a program reads its data files from $KO_DATA_PATH.
    if ctx.files.data and "KO_DATA_PATH" not in ctx.attr.env:
        return dict(ctx.attr.env, KO_DATA_PATH = ctx.attr.data_path)
    return ctx.attr.env

def _config(ctx, binary_path):
    for port in ctx.attr.exposed_ports:
        _check_port(port)
    if ctx.attr.workdir and not ctx.attr.workdir.startswith("/"):
        fail("workdir {} is relative; the working directory of an image is an absolute path, such as \"/app\"".format(repr(ctx.attr.workdir)))
    flags = _healthcheck_flags(ctx)
    for volume in ctx.attr.volumes:
        flags += ["--volume", volume]
    if ctx.attr.stop_signal:
        flags += ["--stop-signal", ctx.attr.stop_signal]
    for check, level in sorted(ctx.attr.checks.items()):
        flags += ["--check", "{}={}".format(check, level)]
    return struct(
        entrypoint = ctx.attr.entrypoint or [binary_path],
        cmd = ctx.attr.cmd,
        env = _env(ctx),
        workdir = ctx.attr.workdir,
        user = ctx.attr.user,
        exposed_ports = ctx.attr.exposed_ports,
        flags = flags,
    )

def _image_info(*, layout, digest, base, layers, platforms, tarball = None):
    """The GoImageInfo of a thin layout whose layers are `layers` over `base`'s."""
    return GoImageInfo(
        layout = layout,
        layout_files = depset([layout]),
        blobs = base.blobs if base else depset(),
        layers = depset(layers, transitive = [base.layers] if base else []),
        tarball = tarball,
        digest = digest,
        platforms = platforms,
        base_repository = base.base_repository if base else "",
    )

def _base(ctx, assembler):
    """The base's GoImageInfo; a base another rule set built is imported (base_import_aspect)."""
    if not ctx.attr.base:
        return None
    if GoImageInfo in ctx.attr.base:
        base = ctx.attr.base[GoImageInfo]
        check_base_platforms(base, ctx.attr.platforms)
        return base

    # A source file (a checked-in tarball): aspects do not apply to files.
    return import_image(ctx, assembler = assembler, target = ctx.attr.base, name = "_{}/base".format(ctx.label.name))

def _go_image_impl(ctx):
    platforms = ctx.attr.platforms
    _check_platforms(platforms)
    assembler = find_assembler(ctx)
    base = _base(ctx, assembler)
    stamp = should_stamp(ctx)
    repo_tags = ctx.attr.repo_tags or [default_repo_tag(ctx.label)]
    labels = _pairs("--label", ctx.attr.labels) + _pairs("--annotation", ctx.attr.annotations)
    if ctx.attr.created:
        labels += ["--created", ctx.attr.created]
    single = len(platforms) == 1
    layers_of = platform_layers(ctx, assembler, platforms, _compression(ctx))

    # Each platform's config carries the labels; an index carries the names.
    image_values = values_file(
        ctx,
        assembler = assembler,
        name = "_{}/image.params".format(ctx.label.name),
        values = labels + (_tag_flags(repo_tags) if single else []),
        stamp = stamp,
    )
    digest = ctx.actions.declare_file(ctx.label.name + ".digest")
    images = []
    sboms = []
    provenances = []
    for platform in platforms:
        binary_target = ctx.split_attr.binary[platform]
        _check_cgo(ctx, binary_target)
        binary = binary_target[DefaultInfo].files_to_run.executable
        if not binary:
            fail("binary {} is not an executable; use a go_binary".format(ctx.attr.binary[0].label))
        binary_path = ctx.attr.binary_path or "/app/" + binary.basename

        # The binary changes most often: on top, it leaves the layers below
        # it unchanged, cached and already in registries.
        layers = layers_of[platform] + [_binary_layer(ctx, assembler, platform, binary, binary_path)]
        layout = ctx.actions.declare_directory("_{}/{}image".format(ctx.label.name, "" if single else platform_path(platform) + "/"))
        modules = _modules(ctx, platform, binary_target, binary, single) if ctx.attr.sbom or ctx.attr.provenance else None
        sbom = _sbom(ctx, platform, single) if ctx.attr.sbom else None
        if sbom:
            sboms.append(sbom)
        provenance = declare_provenance(ctx, platform = platform, single = single, stamp = stamp) if ctx.attr.provenance else None
        if provenance:
            provenances.append(provenance.output)
        emit_image(
            ctx,
            assembler = assembler,
            base = base,
            platform = platform,
            layers = layers,
            config = _config(ctx, binary_path),
            config_values = image_values,
            layout = layout,
            digest = digest if single else None,
            modules = modules,
            sbom = sbom,
            provenance = provenance,
        )
        images.append(_image_info(layout = layout, digest = digest if single else None, base = base, layers = layers, platforms = [platform]))
    image = images[0] if single else _index(ctx, assembler, images, repo_tags, stamp, digest)
    return _outputs(ctx, assembler, image, sboms, provenances)

def _index(ctx, assembler, images, repo_tags, stamp, digest):
    index_values = values_file(
        ctx,
        assembler = assembler,
        name = "_{}/index.params".format(ctx.label.name),
        values = _tag_flags(repo_tags),
        stamp = stamp,
    )
    layout = ctx.actions.declare_directory("_{}/index".format(ctx.label.name))
    emit_index(ctx, assembler = assembler, images = images, config_values = index_values, layout = layout, digest = digest)
    return GoImageInfo(
        layout = layout,
        # The index's layout holds its images' manifests and configs too.
        layout_files = depset([layout]),
        blobs = depset(transitive = [i.blobs for i in images]),
        layers = depset(transitive = [i.layers for i in images]),
        tarball = None,
        digest = digest,
        platforms = ctx.attr.platforms,
        base_repository = images[0].base_repository,
    )

def _outputs(ctx, assembler, image, sboms, provenances):
    """The tarball (unless the tarball setting is off), the layout output group and the providers."""
    layout = ctx.actions.declare_directory(ctx.label.name + "_layout")
    emit_pack(ctx, assembler = assembler, image = image, layout = layout)
    tarball = None
    if ctx.attr._tarball[BuildSettingInfo].value:
        tarball = ctx.actions.declare_file(ctx.label.name + ".tar")
        emit_pack(ctx, assembler = assembler, image = image, tarball = tarball)
    thin = image_input_files(image)
    info = GoImageInfo(
        layout = image.layout,
        layout_files = image.layout_files,
        blobs = image.blobs,
        layers = image.layers,
        tarball = tarball,
        digest = image.digest,
        platforms = image.platforms,
        base_repository = image.base_repository,
    )
    return [
        # Without tarballs, building the image builds what push and load read.
        DefaultInfo(files = depset([tarball]) if tarball else thin),
        OutputGroupInfo(
            layout = depset([layout]),
            digest = depset([image.digest]),
            tarball = depset([tarball] if tarball else []),
            thin = thin,
            sbom = depset(sboms),
            provenance = depset(provenances),
        ),
        info,
    ]

def _tag_flags(tags):
    out = []
    for t in tags:
        out += ["--tag", t]
    return out

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
    "stop_signal": attr.string(
        doc = "The signal that stops the container, such as `\"SIGTERM\"` or `\"SIGINT\"`. Default: the base's (the runtime's default, SIGTERM, when it has none).",
    ),
    "volumes": attr.string_list(
        doc = "Absolute paths the runtime mounts a volume at, such as `\"/var/lib/app\"`.",
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
    "workdir": attr.string(
        doc = "The working directory of the image's process. Default: the base's.",
    ),
    "user": attr.string(
        doc = "The user the process runs as, `name`, `uid` or `uid:gid`, such as `\"65532:65532\"` or `\"nonroot\"`. Default: the base's.",
    ),
    "labels": attr.string_dict(
        doc = "Labels of the image config. Values may use workspace status placeholders, see `stamp`.",
    ),
    "annotations": attr.string_dict(
        doc = "Annotations of the image manifest. Values may use workspace status placeholders, see `stamp`.",
    ),
    "exposed_ports": attr.string_list(
        doc = "Ports the image exposes, `port[/tcp|/udp]`, such as `\"8080/tcp\"`.",
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

GO_IMAGE_ATTRS.update(STAMP_ATTRS)

go_image_rule = rule(
    implementation = _go_image_impl,
    doc = """Puts a Go binary onto a base image and writes it as an OCI image.

Use it through the `go_image` macro, which adds the `.push` and `.load` targets.

The default output, `NAME.tar`, is one tarball that is both an OCI image layout
and a Docker archive: `docker load`, `podman load`, `skopeo copy oci-archive:`
and `crane` all read it. Output groups: `layout` holds the same image as a
complete OCI layout directory, `digest` a file with its manifest (or index)
digest, `thin` the files `.push` and `.load` read.

The binary's layer, each `data`/`layers` layer and the manifest are separate
actions: a Go change re-runs the binary's layer and the manifest only. The
manifest action reads the base's manifest and config, never its layers, and
the base's blobs stay in its repository: the images on a base refer to them.
The tarball is the one place they are copied to, and
`--@rules_goimage//rules:tarball=false` leaves tarballs out of builds (a
monorepo's `bazel build //...`): `.push` and `.load` work without them.""",
    attrs = GO_IMAGE_ATTRS,
    toolchains = [ASSEMBLER_TOOLCHAIN_TYPE],
)
