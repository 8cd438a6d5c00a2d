"""Emits the action that writes one image layer: `assembler layer`."""

load("//rules/private:providers/go_image_layer_info.bzl", "GoImageLayerInfo")

def layer_file(file, path, mode = ""):
    """Describes a file to put into a layer.

    Args:
      file: the File to copy in; a directory goes in with what it holds.
      path: its absolute path in the image.
      mode: its octal mode in the image, such as "0755"; empty keeps the assembler's default.

    Returns:
      A struct for emit_layer's files.
    """
    if not path.startswith("/"):
        fail("image path {} of {} must be absolute".format(repr(path), file.short_path))
    return struct(file = file, path = path, mode = mode)

def _file_arg(f):
    if f.file.is_directory:
        return None
    arg = "{}={}".format(f.file.path, f.path)
    return arg + ":" + f.mode if f.mode else arg

def _tree_arg(f):
    if not f.file.is_directory:
        return None
    return "{}={}".format(f.file.path, f.path)

def _symlink_arg(item):
    return "{}={}".format(item[0], item[1])

def _binary_arg(f):
    return "{}={}".format(f.file.path, f.path)

def emit_layer(ctx, *, assembler, name, files = [], dirs = [], symlinks = {}, created_by = "", mnemonic = "GoImageLayer", binary_for = ""):
    """Writes one deterministic layer as a compressed blob and its JSON descriptor.

    Each layer is its own action, so an image rebuild after a Go change
    re-runs the binary's layer and the manifest, and nothing else.

    Args:
      ctx: the rule context.
      assembler: the assembler's FilesToRunProvider.
      name: the outputs' name, relative to the package: NAME.tar.gz and NAME.json.
      files: structs from layer_file().
      dirs: absolute paths of empty directories to create.
      symlinks: dict of absolute symlink path to its target.
      created_by: the layer's line in the image history; empty: the assembler's.
      mnemonic: the action's mnemonic.
      binary_for: a platform, "os/arch[/variant]": the files are executables
        that the assembler checks to run on it (a script or a binary for
        another platform is refused), with mode 0755.

    Returns:
      GoImageLayerInfo of the new layer.
    """
    blob = ctx.actions.declare_file(name + ".tar.gz")
    descriptor = ctx.actions.declare_file(name + ".json")
    args = ctx.actions.args()
    args.use_param_file("@%s", use_always = False)
    args.set_param_file_format("multiline")
    args.add("layer")
    if binary_for:
        args.add_all(files, map_each = _binary_arg, before_each = "--binary")
        args.add("--platform", binary_for)
    else:
        args.add_all(files, map_each = _file_arg, before_each = "--file")
    args.add_all(files, map_each = _tree_arg, before_each = "--tree")
    args.add_all(dirs, before_each = "--dir")
    args.add_all(sorted(symlinks.items()), map_each = _symlink_arg, before_each = "--symlink")
    if created_by:
        args.add("--created-by", created_by)
    args.add("--output", blob)
    args.add("--descriptor", descriptor)
    args.add("--quiet")
    ctx.actions.run(
        executable = assembler,
        arguments = [args],
        inputs = [f.file for f in files],
        outputs = [blob, descriptor],
        mnemonic = mnemonic,
        progress_message = "Writing image layer %{output}",
    )
    return GoImageLayerInfo(blob = blob, descriptor = descriptor)
