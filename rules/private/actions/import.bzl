"""Emits the action that imports an image another rule built: `assembler import`."""

def emit_import(ctx, *, assembler, source, layout, digest):
    """Imports the image in source into a complete OCI layout, checked.

    As a base from the goimage module extension is imported, every blob is
    checked against its digest and every layer against its diff_id, and an
    index of each image's file system is written for the checks of the images
    built on it.

    Args:
      ctx: the rule or aspect context.
      assembler: the assembler's FilesToRunProvider.
      source: the File of the image: an OCI layout directory, or an image
        tarball (OCI archive, docker save, go-containerregistry tarball).
      layout: the directory to write the layout to.
      digest: the File to write the digest of its image or index to.
    """
    args = ctx.actions.args()
    args.add("import")
    args.add("--base", source.path)
    args.add("--layout", layout.path)
    args.add("--digest-file", digest)
    args.add("--follow-symlinks")
    ctx.actions.run(
        executable = assembler,
        arguments = [args],
        inputs = [source],
        outputs = [layout, digest],
        mnemonic = "GoImageImport",
        progress_message = "Importing image %{input} as a base",
    )
