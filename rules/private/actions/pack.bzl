"""Emits the actions that copy an image into one file or folder: `assembler pack`."""

# The tarball and the complete layout only repack blobs that are stored
# already (a base's in its repository, layers as their actions' outputs), so
# they are kept out of remote and disk caches: each would add a copy of the
# whole image, base included, to the cache at every edit.
_REPACK_REQUIREMENTS = {"no-remote-cache": "1"}

def emit_pack(ctx, *, assembler, image, tarball = None, layout = None):
    """Writes the image as a tarball (OCI layout and Docker archive) or a complete layout directory.

    Args:
      ctx: the rule context.
      assembler: the assembler's FilesToRunProvider.
      image: GoImageInfo of the image.
      tarball: the File to write the tarball to, or None.
      layout: the directory to write the complete OCI layout to, or None.
    """
    args = ctx.actions.args()
    args.use_param_file("@%s", use_always = False)
    args.set_param_file_format("multiline")
    args.add("pack")
    args.add("--image", image.image)
    outputs = []
    if tarball:
        args.add("--output", tarball)
        outputs.append(tarball)
    if layout:
        args.add("--output-layout", layout.path)
        outputs.append(layout)
    ctx.actions.run(
        executable = assembler,
        arguments = [args],
        inputs = image.files,
        outputs = outputs,
        mnemonic = "GoImageTarball" if tarball else "GoImageLayout",
        progress_message = ("Packing %{label} into %{output}"),
        execution_requirements = dict(_REPACK_REQUIREMENTS, **_network(image)),
        # --action_env (DOCKER_CONFIG) gives it the credentials of the
        # registry it reads a lazily pulled base's layers from.
        use_default_shell_env = True,
    )

def _network(image):
    """The requirements of an action that may read layers from a registry."""
    return {"requires-network": "1"} if image.base_repository else {}
