"""goimage_layer: files, directories and symlinks as one image layer."""

load("@bazel_skylib//rules:common_settings.bzl", "BuildSettingInfo")
load("//rules/private:actions/layer.bzl", "emit_layer", "layer_file")
load("//rules/private:rules/toolchain.bzl", "ASSEMBLER_TOOLCHAIN_TYPE", "find_assembler")

def _image_path(ctx, file):
    path = file.owner.name if file.owner.package == ctx.label.package else file.owner.package + "/" + file.owner.name
    prefix = ctx.attr.strip_prefix.strip("/")
    if prefix:
        if not path.startswith(prefix + "/"):
            fail("file {} is not under strip_prefix {}".format(repr(path), repr(prefix)))
        path = path[len(prefix) + 1:]
    return ctx.attr.path.rstrip("/") + "/" + path

def _single_file(target):
    files = target.files.to_list()
    if len(files) != 1:
        fail("{} in files gives {} files; files takes single files, srcs takes several".format(target.label, len(files)))
    return files[0]

def _goimage_layer_impl(ctx):
    if not ctx.attr.path.startswith("/"):
        fail("path {} must be absolute, such as \"/etc\"".format(repr(ctx.attr.path)))
    files = [layer_file(f, _image_path(ctx, f), ctx.attr.mode) for f in ctx.files.srcs]
    files += [layer_file(_single_file(t), p, ctx.attr.mode) for t, p in ctx.attr.files.items()]
    layer = emit_layer(
        ctx,
        assembler = find_assembler(ctx),
        name = ctx.label.name,
        files = files,
        dirs = ctx.attr.dirs,
        symlinks = ctx.attr.symlinks,
        tars = ctx.files.tars,
        keep_tar_mtimes = ctx.attr.keep_tar_mtimes,
        owner = ctx.attr.owner,
        compression = ctx.attr.compression or ctx.attr._compression[BuildSettingInfo].value,
    )
    return [
        DefaultInfo(files = depset([layer.blob, layer.descriptor])),
        layer,
    ]

goimage_layer = rule(
    implementation = _goimage_layer_impl,
    doc = """One image layer of files, empty directories and symlinks, for `go_image(layers = [...])`.

```starlark
goimage_layer(
    name = "config",
    srcs = glob(["config/**"]),
    strip_prefix = "config",
    path = "/etc/app",
    symlinks = {"/etc/app/current": "/etc/app/prod.yaml"},
)
```

The layer is a deterministic tar (sorted entries, fixed times and owners),
built by its own action. A go_image builds the layers it lists for each of its
platforms, as it builds its binary: a `go_binary` (or a C tool) in `files` or
`srcs` is built for each image platform, and each platform's image gets its
own. The build refuses an image that holds an ELF file of another architecture
than its platform (see the `architecture` check). A layer of checked-in files
is the same bytes for every platform: its action runs once per platform, and
the images share its blob. `tars` put the entries of tar files into it, before
its own files:

```starlark
goimage_layer(
    name = "libc",
    tars = [":libc6_data.tar"],  # from a pkg_tar, a genrule or a checked-in file
)
```

A layer of one compressed tar and nothing else is that tar, byte for byte,
when none of its times need normalizing (and, for gzip, its header records no
time): it is not recompressed.""",
    attrs = {
        "srcs": attr.label_list(
            doc = "Files to put below `path`, at their path relative to this package (less `strip_prefix`).",
            allow_files = True,
        ),
        "strip_prefix": attr.string(
            doc = "A package-relative folder removed from the paths of `srcs`.",
        ),
        "path": attr.string(
            doc = "The folder in the image that `srcs` go to.",
            default = "/",
        ),
        "files": attr.label_keyed_string_dict(
            doc = "Single files and the absolute image path of each: `{\":app.yaml\": \"/etc/app.yaml\"}`.",
            allow_files = True,
        ),
        "mode": attr.string(
            doc = "The octal mode of every file, such as `\"0644\"`. Default: the assembler's.",
        ),
        "dirs": attr.string_list(
            doc = "Absolute paths of empty directories to create, such as `\"/tmp\"`.",
        ),
        "symlinks": attr.string_dict(
            doc = "Symlinks to create: absolute path in the image to the link's target.",
        ),
        "tars": attr.label_list(
            doc = """Tar files (plain, gzip or zstd) whose entries go into the layer, in order, before
its other files, with their owners, modes, links and extended attributes. A path that two of
them give (but a directory) is an error. Modification times later than 2000-01-01 are set to
it, unless `keep_tar_mtimes`.""",
            allow_files = [".tar", ".tar.gz", ".tgz", ".tar.zst", ".tzst"],
        ),
        "keep_tar_mtimes": attr.bool(
            doc = "Keep the modification times of `tars` entries as they are.",
        ),
        "owner": attr.string(
            doc = "The owner of `srcs`, `files`, `dirs` and `symlinks`, `uid:gid` in numbers, such as `\"65532:65532\"`. Default: `0:0`. The entries of `tars` keep theirs.",
        ),
        "compression": attr.string(
            doc = "`\"gzip\"` or `\"zstd\"`. Default: the `@rules_goimage//rules:compression` build setting.",
            values = ["", "gzip", "zstd"],
        ),
        "_compression": attr.label(
            default = Label("//rules:compression"),
            providers = [BuildSettingInfo],
        ),
    },
    toolchains = [ASSEMBLER_TOOLCHAIN_TYPE],
)
