"""The layers a go_image puts between its base and its binary: `tars`, `data` and `layers`, for each platform.

Each of those attributes is built under the image's platform transition, as
the binary is: a go_binary or a C tool among them is built for each image
platform, and each platform's image gets the layers built for it. A layer
whose input files are the same for every platform (checked-in files, which no
configuration changes) is written by one action that every platform's image
shares; a layer of files built per platform is written once per platform.
"""

load("//rules/private:actions/layer.bzl", "emit_layer", "layer_file")
load("//rules/private:platforms.bzl", "platform_path")
load("//rules/private:providers/go_image_layer_info.bzl", "GoImageLayerInfo")

def _files(targets):
    return [f for t in targets for f in t[DefaultInfo].files.to_list()]

def _key(files):
    return tuple([f.path for f in files])

def _data_image_path(ctx, file):
    # Paths are relative to the go_image's package, or to the repository root
    # for files of other packages.
    path = file.owner.name if file.owner.package == ctx.label.package else file.owner.package + "/" + file.owner.name
    prefix = ctx.attr.data_strip_prefix.strip("/")
    if prefix:
        if not path.startswith(prefix + "/"):
            fail("data file {} is not under data_strip_prefix {}; list only files below it, or change data_strip_prefix".format(
                repr(path),
                repr(prefix),
            ))
        path = path[len(prefix) + 1:]
    return ctx.attr.data_path.rstrip("/") + "/" + path

def _layer_name(ctx, platform, shared, what):
    if shared:
        return "_{}/{}".format(ctx.label.name, what)
    return "_{}/{}/{}".format(ctx.label.name, platform_path(platform), what)

def _tar_layers(ctx, assembler, platform, tars, in_every, written, compression):
    """A layer per tar, in order, each its tar's bytes when they need no change."""
    layers = []
    for i, tar in enumerate(tars):
        key = _key([tar])
        if key not in written:
            written[key] = emit_layer(
                ctx,
                assembler = assembler,
                name = _layer_name(ctx, platform, in_every(key), "tars/{}".format(i)),
                tars = [tar],
                keep_tar_mtimes = ctx.attr.keep_tar_mtimes,
                compression = compression,
                created_by = "tar " + tar.short_path,
            )
        layers.append(written[key])
    return layers

def _data_layer(ctx, assembler, platform, data, in_every, written, compression):
    if not data:
        return []
    if not ctx.attr.data_path.startswith("/"):
        fail("data_path {} must be an absolute path in the image, such as \"/app/data\"".format(repr(ctx.attr.data_path)))
    key = ("data",) + _key(data)
    if key not in written:
        written[key] = emit_layer(
            ctx,
            assembler = assembler,
            name = _layer_name(ctx, platform, in_every(key), "data"),
            files = [layer_file(f, _data_image_path(ctx, f)) for f in data],
            owner = ctx.attr.owner,
            compression = compression,
        )
    return [written[key]]

def platform_layers(ctx, assembler, platforms, compression):
    """The layers of `tars`, `data` and `layers`, in that order, for each platform.

    Args:
      ctx: the go_image's rule context; tars, data and layers are split
        attributes, keyed by image platform.
      assembler: the assembler's FilesToRunProvider.
      platforms: the image platforms.
      compression: "gzip" or "zstd", for the tars' and data's layers.

    Returns:
      A dict of platform to its list of GoImageLayerInfo, bottom first.
    """
    tars = {p: _files(ctx.split_attr.tars.get(p, [])) for p in platforms}
    data = {p: _files(ctx.split_attr.data.get(p, [])) for p in platforms}

    # The inputs each platform gives, by key: a layer whose key every
    # platform gives is written once, for all of them.
    counts = {}
    for p in platforms:
        keys = {_key([t]): True for t in tars[p]}
        if data[p]:
            keys[("data",) + _key(data[p])] = True
        for key in keys:
            counts[key] = counts.get(key, 0) + 1

    def in_every(key):
        return counts[key] == len(platforms)

    written = {}
    out = {}
    for p in platforms:
        out[p] = (
            _tar_layers(ctx, assembler, p, tars[p], in_every, written, compression) +
            _data_layer(ctx, assembler, p, data[p], in_every, written, compression) +
            [t[GoImageLayerInfo] for t in ctx.split_attr.layers.get(p, [])]
        )
    return out
