"""goimage_local: a base image from an OCI layout directory or an image archive in the workspace.

The assembler reads it (`assembler import`): OCI layouts (skopeo, umoci,
other rule sets), `docker save` tarballs of every Docker version, containerd
exports (`ctr image export`), go-containerregistry tarballs (crane, ko),
plain or gzip- or zstd-compressed; nested indexes of any depth. It checks
every blob, and explains an archive that lists platforms it lacks.
"""

load(":repositories/base_repository.bzl", "ASSEMBLER_ATTRS", "import_base", "write_build_file")

def _source(rctx):
    path = rctx.attr.path
    source = rctx.path(path) if path.startswith("/") else rctx.workspace_root.get_child(path)
    if not source.exists:
        fail("goimage.local(name = \"{}\"): {} does not exist; path is an OCI layout directory or an image archive (docker save, ctr image export, crane, ko), relative to the root module's directory".format(rctx.original_name, source))
    if source.is_dir:
        rctx.watch_tree(source)
    else:
        rctx.watch(source)
    return source

def _goimage_local_impl(rctx):
    source = _source(rctx)
    what = "goimage.local(name = \"{}\")".format(rctx.original_name)
    metadata = import_base(
        rctx,
        what = what,
        source = str(source),
        platforms = rctx.attr.platforms,
    )
    write_build_file(rctx, what = what, metadata = metadata)

goimage_local = repository_rule(
    implementation = _goimage_local_impl,
    doc = "A base image from an OCI layout directory or an image archive; made by `goimage.local`.",
    attrs = dict({
        "path": attr.string(mandatory = True, doc = "The directory or archive, relative to the root module's directory."),
        "platforms": attr.string_list(doc = "The platforms to take; empty: every complete image."),
    }, **ASSEMBLER_ATTRS),
)
