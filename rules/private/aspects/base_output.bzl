"""Which output of a base target holds its image."""

# What the assembler's import reads besides a layout directory: image
# tarballs, plain or compressed (it decides by their bytes).
_ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.zst")

def _may_be_image(file):
    return file.is_directory or file.basename.endswith(_ARCHIVE_SUFFIXES)

def image_output(target):
    """The File of a base target that holds its image.

    A target with one output gives it, whatever its name: the import reads it
    and says what it is not. A target with several (a manifest and its config
    beside a layout, say) gives the one that is a directory or an image
    tarball by its name; the import then checks it is an image. With none or
    several such, the build fails naming them, and the output groups that hold
    one, for a filegroup to pick.

    Args:
      target: the base Target.

    Returns:
      The File to import.
    """
    files = target[DefaultInfo].files.to_list()
    if len(files) == 1:
        return files[0]
    images = [f for f in files if _may_be_image(f)]
    if len(images) == 1:
        return images[0]
    label = str(target.label)
    if not target.label.workspace_name:
        # As the user writes it in a BUILD file of the main repository.
        label = "//{}:{}".format(target.label.package, target.label.name)
    fail("""base {label} gives {n} files, and {k} of them may be an image (an OCI layout directory, or an
image tarball: {suffixes}):
  {files}
Give base the output that holds the image, through an output group:
  filegroup(name = "{name}_image", srcs = ["{label}"], output_group = "{group}")
{groups}""".format(
        label = label,
        n = len(files),
        k = "none" if not images else len(images),
        suffixes = ", ".join(_ARCHIVE_SUFFIXES),
        files = "\n  ".join([f.short_path + ("/" if f.is_directory else "") for f in files]),
        name = target.label.name,
        group = (_image_groups(target) or ["GROUP"])[0],
        groups = _describe_groups(target, label),
    ))

def _image_groups(target):
    """The output groups of target that hold one file, which may be an image."""
    if OutputGroupInfo not in target:
        return []
    groups = target[OutputGroupInfo]
    out = []
    for group in dir(groups):
        files = getattr(groups, group)
        if group.startswith("_") or type(files) != "depset":
            continue
        files = files.to_list()
        if len(files) == 1 and _may_be_image(files[0]):
            out.append(group)
    return out

def _describe_groups(target, label):
    groups = _image_groups(target)
    if not groups:
        return "{} has no output group of one such file; a rule of your own can give its image as one.".format(label)
    return "Output groups of {} that hold one such file: {}.".format(label, ", ".join(groups))
