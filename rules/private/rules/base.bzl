"""goimage_base: the `:image` target of a base image fetched or checked by the goimage module extension."""

load("//rules/private:providers/go_image_info.bzl", "GoImageInfo")

def _goimage_base_impl(ctx):
    layout = ctx.actions.declare_directory(ctx.label.name + "_layout")
    blobs = [f for f in ctx.files.blobs]
    args = ctx.actions.args()
    args.add(layout.path)
    args.add(ctx.file.oci_layout)
    args.add(ctx.file.index)
    args.add_all(blobs)

    # A repository's files are not one artifact; the copy makes them the
    # directory that image actions read a base from.
    ctx.actions.run_shell(
        command = 'out=$1; mkdir -p "$out/blobs/sha256"; cp "$2" "$3" "$out/"; shift 3; [ $# -eq 0 ] || cp "$@" "$out/blobs/sha256/"',
        arguments = [args],
        inputs = [ctx.file.oci_layout, ctx.file.index] + blobs,
        outputs = [layout],
        mnemonic = "GoImageBaseLayout",
        progress_message = "Collecting base image %{label}",
    )
    digest = ctx.actions.declare_file(ctx.label.name + ".digest")
    ctx.actions.write(digest, ctx.attr.digest + "\n")
    return [
        DefaultInfo(files = depset([layout])),
        OutputGroupInfo(layout = depset([layout]), digest = depset([digest])),
        GoImageInfo(
            layout = layout,
            tarball = None,
            digest = digest,
            platforms = ctx.attr.platforms,
            base_repository = ctx.attr.repository,
        ),
    ]

goimage_base = rule(
    implementation = _goimage_base_impl,
    doc = """A base image whose blobs a repository rule of the `goimage` module extension fetched and verified.

Repositories made by `goimage.pull` and `goimage.local` define one as `:image`;
it is not meant to be written by hand.""",
    attrs = {
        "oci_layout": attr.label(doc = "The layout's `oci-layout` file.", allow_single_file = True, mandatory = True),
        "index": attr.label(doc = "The layout's `index.json`.", allow_single_file = True, mandatory = True),
        "blobs": attr.label_list(doc = "The blobs, each named by its sha256 digest.", allow_files = True),
        "digest": attr.string(doc = "The digest of the image or index the layout holds."),
        "platforms": attr.string_list(doc = "The platforms the layout holds an image for."),
        "repository": attr.string(doc = "The registry repository the base came from, for mounting its blobs on push; empty for local bases."),
    },
)
