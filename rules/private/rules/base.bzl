"""goimage_base: the `:image` target of a base image imported by the goimage module extension."""

load("//rules/private:actions/image_file.bzl", "image_info")
load("//rules/private:rules/toolchain.bzl", "ASSEMBLER_TOOLCHAIN_TYPE", "find_assembler")

def _index_layers(ctx, layout_files):
    """Emits an action per layer left in the registry that indexes its files.

    Each reads its layer from the registry once, and its output is cached
    like any other: the checks of every image built on the base read these
    indexes, and an image whose checks do not read the base's files never
    asks for them, so its build fetches no layer.
    """
    assembler = find_assembler(ctx)
    indexes = []
    for digest in ctx.attr.remote_layers:
        index = ctx.actions.declare_file("{}.layers/{}.json".format(ctx.label.name, digest.removeprefix("sha256:")))
        args = ctx.actions.args()
        args.add("index-layer")
        args.add("--layout", ctx.file.index)
        args.add("--blobs-from", ctx.attr.repository)
        args.add("--follow-symlinks")
        args.add("--digest", digest)
        args.add("--output", index)
        ctx.actions.run(
            executable = assembler,
            arguments = [args],
            inputs = layout_files,
            outputs = [index],
            mnemonic = "GoImageIndexLayer",
            progress_message = "Indexing the files of layer {} of {}".format(digest[:19], ctx.attr.declared_as),
            # It reads the layer from the registry the base came from, with
            # the credentials --action_env=DOCKER_CONFIG names.
            execution_requirements = {"requires-network": "1"},
            use_default_shell_env = True,
        )
        indexes.append(index)
    return indexes

def _goimage_base_impl(ctx):
    digest = ctx.actions.declare_file(ctx.label.name + ".digest")
    ctx.actions.write(digest, ctx.attr.digest + "\n")

    # The layout stays where the repository rule wrote it, verified: the
    # images built on it refer to its blobs, never copy them.
    layout_files = depset([ctx.file.index, ctx.file.oci_layout] + ctx.files.metadata_blobs + ctx.files.fs_indexes)
    layer_indexes = depset(_index_layers(ctx, layout_files))
    return [
        DefaultInfo(files = layout_files),
        OutputGroupInfo(digest = depset([digest]), layer_indexes = layer_indexes),
        image_info(
            ctx,
            name = ctx.label.name + ".image.json",
            layout = ctx.file.index,
            layout_files = layout_files,
            blobs = ctx.files.layer_blobs,
            tarball = None,
            digest = digest,
            platforms = ctx.attr.platforms,
            base_repository = ctx.attr.repository,
            declared_as = ctx.attr.declared_as,
            layer_indexes = layer_indexes,
        ),
    ]

goimage_base = rule(
    implementation = _goimage_base_impl,
    doc = """A base image that the goimage module extension imported and verified.

Repositories made by `goimage.pull` and `goimage.local` define one as `:image`;
it is not meant to be written by hand.""",
    attrs = {
        "index": attr.label(doc = "The layout's `index.json`.", allow_single_file = True, mandatory = True),
        "oci_layout": attr.label(doc = "The layout's `oci-layout`.", allow_single_file = True, mandatory = True),
        "metadata_blobs": attr.label_list(doc = "The manifests and configs, each named by its sha256 digest.", allow_files = True),
        "layer_blobs": attr.label_list(doc = "The layers, each named by its sha256 digest.", allow_files = True),
        "remote_layers": attr.string_list(doc = "The digests of the layers left in `repository` (`goimage.pull(layers = \"lazy\")`), which actions read from there."),
        "fs_indexes": attr.label_list(doc = "The indexes of each image's file system (`fsindex/<manifest hex>.json`), which the checks of the images built on the base read.", allow_files = True),
        "digest": attr.string(doc = "The digest of the image or index the layout holds."),
        "platforms": attr.string_list(doc = "The platforms the layout holds an image for."),
        "declared_as": attr.string(doc = "The base as the module declared it, such as `goimage.local(name = \"company_base\")`, for messages."),
        "repository": attr.string(doc = "The registry repository the base came from, for mounting its blobs on push and reading the layers it left there; empty for local bases."),
    },
    toolchains = [ASSEMBLER_TOOLCHAIN_TYPE],
)
