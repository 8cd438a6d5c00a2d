"""The image file: how an image is handed to the assembler, `--image image.json`."""

load("//rules/private:providers/go_image_info.bzl", "GoImageInfo")

def _file_json(file):
    # Named as an action sees it and as `bazel run` does: the assembler
    # reads the file in both.
    return json.encode({"path": file.path, "short_path": file.short_path})

def _descriptor_json(layer):
    return _file_json(layer.descriptor)

def _layer_files(layer):
    return [layer.blob, layer.descriptor]

def image_info(ctx, *, name, layout, layout_files = None, blobs = [], layers = [], bases = [], label = None, **fields):
    """Writes the image file of an image and returns its GoImageInfo.

    The image file (read by imagefile.go of the assembler's cli) names the
    layout and the files of the blobs it leaves out. It is written from
    depsets when the action runs: nothing is flattened at analysis.

    Args:
      ctx: the rule or aspect context.
      name: the image file's name, relative to the package, such as "_app/image.json".
      layout: File: the layout directory, or a layout's index.json.
      layout_files: depset of Files that reading the layout's manifests and
        configs needs; default: `layout` alone.
      blobs: list of Files: blobs the layout leaves out, each named by its
        digest, or layout directories that hold them.
      layers: list of GoImageLayerInfo: layers the layout leaves out.
      bases: list of GoImageInfo of images whose blobs and layers the layout
        leaves out too: the base of an image, the images of an index.
      label: Label of the target the image came from, which messages name
        it by; default: ctx.label.
      **fields: the other fields of GoImageInfo: digest and platforms, and
        tarball, base_repository, declared_as and layer_indexes when they
        are set.

    Returns:
      GoImageInfo.
    """
    blobs = depset(blobs, transitive = [b.blobs for b in bases])
    layer_infos = depset(layers, transitive = [b.layers for b in bases])
    image = ctx.actions.declare_file(name)
    args = ctx.actions.args()
    args.set_param_file_format("multiline")
    head = json.encode({
        "workspace": ctx.workspace_name,
        "self": json.decode(_file_json(image)),
        "layout": json.decode(_file_json(layout)),
        # Where the blobs no file holds are read: the layers a lazily
        # pulled base left in its registry.
        "remote": fields.get("base_repository", ""),
        # How messages name the image, rather than by a path in bazel-out.
        "label": fields.get("declared_as") or display_label(label or ctx.label),
    })
    args.add(head[:-1] + ",")
    args.add_joined(blobs, join_with = ",", map_each = _file_json, format_joined = "\"blobs\": [%s],", omit_if_empty = False, expand_directories = False)
    args.add_joined(layer_infos, join_with = ",", map_each = _descriptor_json, format_joined = "\"layers\": [%s]}", omit_if_empty = False)
    ctx.actions.write(image, args)
    layout_files = depset([image], transitive = [layout_files or depset([layout])])
    own_files = [f for layer in layers for f in _layer_files(layer)]
    fields = dict({"tarball": None, "declared_as": "", "base_repository": "", "layer_indexes": depset()}, **fields)
    return GoImageInfo(
        image = image,
        layout_files = layout_files,
        blobs = blobs,
        layers = layer_infos,
        files = depset(own_files, transitive = [layout_files, blobs] + [b.files for b in bases]),
        **fields
    )

def display_label(label):
    """A label as users write it: //pkg:name, or @repo//pkg:name."""
    repo = "@" + label.workspace_name if label.workspace_name else ""
    return "{}//{}:{}".format(repo, label.package, label.name)
