"""The go_image_rule: a Go binary on a base image, for one platform or several."""

load("@bazel_skylib//rules:common_settings.bzl", "BuildSettingInfo")
load("@rules_go//go:def.bzl", "GoArchive")
load("//rules/private:actions/config.bzl", "write_config")
load("//rules/private:actions/image.bzl", "emit_image")
load("//rules/private:actions/image_file.bzl", "image_info")
load("//rules/private:actions/index.bzl", "emit_index")
load("//rules/private:actions/layer.bzl", "emit_layer", "layer_file")
load("//rules/private:actions/pack.bzl", "emit_pack")
load("//rules/private:actions/provenance.bzl", "declare_provenance")
load("//rules/private:actions/stamp.bzl", "should_stamp", "values_file")
load("//rules/private:aspects/base_import.bzl", "import_image")
load("//rules/private:aspects/go_package_metadata.bzl", "GoPackageMetadataInfo")
load("//rules/private:platforms.bzl", "check_platform", "platform_path")
load("//rules/private:providers/go_image_info.bzl", "GoImageInfo")
load("//rules/private:rules/base_platforms.bzl", "check_base_platforms")
load("//rules/private:rules/image_attrs.bzl", "GO_IMAGE_ATTRS")
load("//rules/private:rules/image_layers.bzl", "platform_layers")
load("//rules/private:rules/toolchain.bzl", "ASSEMBLER_TOOLCHAIN_TYPE", "find_assembler")

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

def _base(ctx, assembler):
    """The base's GoImageInfo; a base another rule set built is imported (base_import_aspect)."""
    if not ctx.attr.base:
        return None
    if GoImageInfo in ctx.attr.base:
        base = ctx.attr.base[GoImageInfo]
        check_base_platforms(base, ctx.attr.platforms, ctx.attr.base.label)
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
    config = None
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
        if not config:
            # One for every platform: the binary is named alike in each.
            config = write_config(ctx, name = "_{}/config.json".format(ctx.label.name), binary_path = binary_path)
        emit_image(
            ctx,
            assembler = assembler,
            base = base,
            platform = platform,
            layers = layers,
            config = config,
            checks = ctx.attr.checks,
            config_values = image_values,
            layout = layout,
            digest = digest if single else None,
            modules = modules,
            sbom = sbom,
            provenance = provenance,
        )
        images.append(image_info(
            ctx,
            name = "_{}/{}image.json".format(ctx.label.name, "" if single else platform_path(platform) + "/"),
            layout = layout,
            layers = layers,
            bases = [base] if base else [],
            digest = digest if single else None,
            platforms = [platform],
            base_repository = base.base_repository if base else "",
        ))
    image = images[0] if single else _index(ctx, assembler, images, repo_tags, stamp, digest)
    return _outputs(ctx, assembler, image, sboms, provenances, config)

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
    return image_info(
        ctx,
        name = "_{}/index.image.json".format(ctx.label.name),
        # The index's layout holds its images' manifests and configs too.
        layout = layout,
        bases = images,
        digest = digest,
        platforms = ctx.attr.platforms,
        base_repository = images[0].base_repository,
    )

def _outputs(ctx, assembler, image, sboms, provenances, config):
    """The tarball (unless the tarball setting is off), the layout output group and the providers."""
    layout = ctx.actions.declare_directory(ctx.label.name + "_layout")
    emit_pack(ctx, assembler = assembler, image = image, layout = layout)
    tarball = None
    if ctx.attr._tarball[BuildSettingInfo].value:
        tarball = ctx.actions.declare_file(ctx.label.name + ".tar")
        emit_pack(ctx, assembler = assembler, image = image, tarball = tarball)
    thin = image.files
    info = GoImageInfo(
        image = image.image,
        layout_files = image.layout_files,
        blobs = image.blobs,
        layers = image.layers,
        files = image.files,
        tarball = tarball,
        digest = image.digest,
        platforms = image.platforms,
        declared_as = "",
        base_repository = image.base_repository,
        layer_indexes = depset(),
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
            config = depset([config]),
        ),
        info,
    ]

def _tag_flags(tags):
    out = []
    for t in tags:
        out += ["--tag", t]
    return out

go_image_rule = rule(
    implementation = _go_image_impl,
    doc = """Puts a Go binary onto a base image and writes it as an OCI image.

Use it through the `go_image` macro, which adds the `.push` and `.load` targets.

The default output, `NAME.tar`, is one tarball that is both an OCI image layout
and a Docker archive: `docker load`, `podman load`, `skopeo copy oci-archive:`
and `crane` all read it. Output groups: `layout` holds the same image as a
complete OCI layout directory, `digest` a file with its manifest (or index)
digest, `thin` the files `.push` and `.load` read, `config` the image config, as
the JSON file `assembler build --config` reads.

The binary's layer, each `data`/`layers` layer and the manifest are separate
actions: a Go change re-runs the binary's layer and the manifest only. The
manifest action reads the base's manifest and config, never its layers, and
the base's blobs stay in its repository (or, for a base pulled with
`layers = "lazy"`, in its registry): the images on a base refer to them.
The tarball and the `layout` group are the one place they are copied to (a
lazy base's layers are read from the registry by their actions then), and
`--@rules_goimage//rules:tarball=false` leaves tarballs out of builds (a
monorepo's `bazel build //...`): `.push` and `.load` work without them.""",
    attrs = GO_IMAGE_ATTRS,
    toolchains = [ASSEMBLER_TOOLCHAIN_TYPE],
)
