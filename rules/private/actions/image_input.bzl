"""How an action reads an image that GoImageInfo describes: its layout and where its blobs are."""

def layout_path(info):
    """The path of the image's layout folder.

    Args:
      info: GoImageInfo.

    Returns:
      The path, as a string.
    """
    if info.layout.is_directory:
        return info.layout.path
    return info.layout.dirname

def _layer_descriptor(layer):
    return layer.descriptor.path

def _layer_files(layer):
    return [layer.blob, layer.descriptor]

def image_input_args(args, info):
    """Adds the assembler's image input flags (--layout, --blob, --layer) to args.

    Args:
      args: the action's Args.
      info: GoImageInfo of the image.

    Returns:
      A depset of the Files the action must take as inputs.
    """
    args.add("--layout", layout_path(info))

    # A base imported by an action is one layout folder, given whole.
    args.add_all(info.blobs, before_each = "--blob", expand_directories = False)
    args.add_all(info.layers, map_each = _layer_descriptor, before_each = "--layer")
    args.add("--follow-symlinks")

    # Every blob was verified where it entered the build: a base's blobs by
    # its import, a layer's by the action that wrote it and computed its digest.
    args.add("--trusted-blobs")
    return image_input_files(info)

def image_input_files(info):
    """Every File reading the whole image needs: layout, blobs, layers.

    Args:
      info: GoImageInfo of the image.

    Returns:
      A depset of Files.
    """
    layer_files = [f for layer in info.layers.to_list() for f in _layer_files(layer)]
    return depset(layer_files, transitive = [info.layout_files, info.blobs])
