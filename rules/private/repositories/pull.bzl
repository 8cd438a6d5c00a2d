"""goimage_pull: a base image fetched from a registry by digest.

The assembler fetches it (`assembler import`), with the registry protocol,
credentials (docker config.json, credential helpers, bearer tokens) and
retries it uses for every registry request, and checks every blob it
fetches: with `layers = "lazy"` (the default) the manifests and configs
only, and each layer where an action or a command reads it.
"""

load(":repositories/base_repository.bzl", "ASSEMBLER_ATTRS", "import_base", "write_build_file")

def _reference(rctx):
    image, at, digest = rctx.attr.image.partition("@")
    if at and rctx.attr.digest and digest != rctx.attr.digest:
        fail("goimage.pull(name = \"{}\") has two different digests, {} in image and {} in digest; keep one".format(rctx.original_name, digest, rctx.attr.digest))
    digest = rctx.attr.digest or digest
    return image, digest

def _goimage_pull_impl(rctx):
    image, digest = _reference(rctx)
    what = "goimage.pull(name = \"{}\", image = \"{}\")".format(rctx.original_name, rctx.attr.image)
    metadata = import_base(
        rctx,
        what = what,
        source = image + "@" + digest if digest else image,
        platforms = rctx.attr.platforms,
        lazy_layers = rctx.attr.layers == "lazy",
    )
    write_build_file(rctx, what = what, metadata = metadata, digest = digest, repository = metadata["repository"])

goimage_pull = repository_rule(
    implementation = _goimage_pull_impl,
    doc = "A base image fetched from a registry by digest; made by `goimage.pull`.",
    attrs = dict({
        "image": attr.string(mandatory = True, doc = "The image reference."),
        "digest": attr.string(doc = "The digest of the image or index."),
        "platforms": attr.string_list(doc = "The platforms to fetch from an index; empty: all."),
        "layers": attr.string(
            doc = "`lazy`: fetch manifests and configs only; `eager`: every layer too.",
            default = "lazy",
            values = ["lazy", "eager"],
        ),
    }, **ASSEMBLER_ATTRS),
)
