"""goimage_layer: files, directories and symlinks as one image layer."""

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
built by its own action, once for all platforms.""",
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
    },
    toolchains = [ASSEMBLER_TOOLCHAIN_TYPE],
)
