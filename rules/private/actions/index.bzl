"""Emits the action that writes an OCI image index over per-platform images: `assembler index`."""

load("//rules/private:actions/params.bzl", "params_file_arg")

def emit_index(ctx, *, assembler, images, config_values, layout, digest):
    """Writes one image index that lists an image per platform, as a thin layout.

    It reads the images' manifests and configs only, never a layer.

    Args:
      ctx: the rule context.
      assembler: the assembler's FilesToRunProvider.
      images: list of GoImageInfo, one per platform, each a thin layout.
      config_values: File with further flags one a line (the tags), which may
        have been stamped; passed as @file.
      layout: the directory to write the index's thin OCI layout to.
      digest: the File to write the index digest to.
    """
    args = ctx.actions.args()
    args.use_param_file("@%s", use_always = False)
    args.set_param_file_format("multiline")
    args.add("index")
    args.add_all([i.image for i in images], before_each = "--image")
    args.add("--thin")
    args.add("--thin-layout", layout.path)
    args.add("--digest-file", digest)
    args.add("--quiet")
    ctx.actions.run(
        executable = assembler,
        # Its own argument list, so that it stays a top-level @file when args
        # spill into a params file.
        arguments = [args, params_file_arg(ctx, config_values)],
        inputs = depset([config_values], transitive = [i.layout_files for i in images]),
        outputs = [layout, digest],
        mnemonic = "GoImageIndex",
        progress_message = "Writing image index %{label}",
    )
