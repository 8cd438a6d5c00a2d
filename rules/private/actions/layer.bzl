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

def emit_layer(
        ctx,
        *,
        assembler,
        name,
        files = [],
        dirs = [],
        symlinks = {},
        tars = [],
        keep_tar_mtimes = False,
        owner = "",
        compression = "gzip",
        created_by = "",
        mnemonic = "GoImageLayer",
        binary_for = "",
        capabilities = []):
    """Writes one deterministic layer as a compressed blob and its JSON descriptor.

    Each layer is its own action, so an image rebuild after a Go change
    re-runs the binary's layer and the manifest, and nothing else. A layer
    of one compressed tar and nothing else is that tar's bytes, unless its
    times must be normalized.

    Args:
      ctx: the rule context.
      assembler: the assembler's FilesToRunProvider.
      name: the outputs' name, relative to the package: NAME.tar.gz (or
        .tar.zst) and NAME.json.
      files: structs from layer_file().
      dirs: absolute paths of empty directories to create.
      symlinks: dict of absolute symlink path to its target.
      tars: Files of tars (plain, gzip or zstd) whose entries go in first.
      keep_tar_mtimes: keep the tars' modification times as they are.
      owner: "uid:gid" of files, dirs and symlinks given; empty: 0:0.
      compression: "gzip" or "zstd".
      created_by: the layer's line in the image history; empty: the assembler's.
      mnemonic: the action's mnemonic.
      binary_for: a platform, "os/arch[/variant]": the files are executables
        that the assembler checks to run on it (a script or a binary for
        another platform is refused), with mode 0755.
      capabilities: Linux file capabilities of the binary_for files, as
        ko's linux_capabilities takes them; checked by the assembler.

    Returns:
      GoImageLayerInfo of the new layer.
    """
    blob = ctx.actions.declare_file(name + (".tar.zst" if compression == "zstd" else ".tar.gz"))
    descriptor = ctx.actions.declare_file(name + ".json")
    args = ctx.actions.args()
    args.use_param_file("@%s", use_always = False)
    args.set_param_file_format("multiline")
    args.add("layer")
    if binary_for:
        args.add_all(files, map_each = _binary_arg, before_each = "--binary")
        args.add("--platform", binary_for)
        args.add_all(capabilities, before_each = "--capability")
    else:
        args.add_all(files, map_each = _file_arg, before_each = "--file")
    args.add_all(files, map_each = _tree_arg, before_each = "--tree")
    args.add_all(dirs, before_each = "--dir")
    args.add_all(sorted(symlinks.items()), map_each = _symlink_arg, before_each = "--symlink")
    args.add_all(tars, before_each = "--tar")
    if keep_tar_mtimes:
        args.add("--keep-tar-mtimes")
    if owner:
        args.add("--owner", owner)
    args.add("--compression", compression)
    if created_by:
        args.add("--created-by", created_by)
    args.add("--output", blob)
    args.add("--descriptor", descriptor)
    args.add("--quiet")
    ctx.actions.run(
        executable = assembler,
        arguments = [args],
        inputs = [f.file for f in files] + tars,
        outputs = [blob, descriptor],
        mnemonic = mnemonic,
        progress_message = "Writing image layer %{output}",
    )
    return GoImageLayerInfo(blob = blob, descriptor = descriptor)
