"""The release manifest: the images that `assembler release` and `assembler resolve` read, as JSON."""

load("//rules/private:actions/stamp.bzl", "values_file")

def display_label(label):
    """A label as people write it: //app:image in the main repository.

    Args:
      label: a Label.

    Returns:
      The label as a string.
    """
    if label.workspace_name:
        return str(label)
    return "//{}:{}".format(label.package, label.name)

def relative_path(manifest_path, path):
    """The path of a file relative to the manifest's folder, as the assembler resolves it.

    Args:
      manifest_path: the manifest's path, in the tree where both are read
        (the runfiles tree, or the exec root).
      path: the file's path in that tree.

    Returns:
      The relative path.
    """
    return "../" * manifest_path.count("/") + path

def split_words(value):
    """The words of a value separated by spaces, tabs or commas.

    Args:
      value: a string.

    Returns:
      A list of strings.
    """
    return [w for w in value.replace(",", " ").replace("\t", " ").split(" ") if w]

def split_repositories(value, label, attr):
    """The repositories of one image: the value of a dict entry, separated by spaces or commas.

    Args:
      value: the attribute's value for the image.
      label: the image's Label, for the error.
      attr: the attribute's name, for the error.

    Returns:
      A list of strings, at least one.
    """
    repositories = split_words(value)
    if not repositories:
        fail("{} gives {} no repository; give one such as \"registry.example.com/team/app\", or several separated by spaces".format(attr, display_label(label)))
    return repositories

def repository_entry(ctx, *, assembler, repository, index, stamp):
    """The manifest fields of a repository: the value, or a file the stamp action fills.

    Args:
      ctx: the rule context.
      assembler: the assembler's FilesToRunProvider.
      repository: the repository, maybe with workspace status placeholders.
      index: a number unique in the target, naming the file.
      stamp: whether to stamp, from should_stamp().

    Returns:
      A struct with `fields` (a dict for the manifest entry; a file's value
      is the File) and `files` (the Files to read).
    """
    if not stamp or "{" not in repository:
        return struct(fields = {"repository": repository}, files = [])
    f = values_file(
        ctx,
        assembler = assembler,
        name = "{}.repositories/{}".format(ctx.label.name, index),
        values = [repository],
        stamp = stamp,
    )
    return struct(fields = {"repository_file": f}, files = [f])

def write_manifest(ctx, output, entries, path_of):
    """Writes the manifest: its entries with Files turned into paths relative to it.

    Args:
      ctx: the rule context.
      output: the manifest File.
      entries: list of dicts; values are strings, lists of strings, Files or lists of Files.
      path_of: function from a File to its path in the tree the manifest is read in.
    """
    base = path_of(output)

    def rel(v):
        if type(v) == "File":
            return relative_path(base, path_of(v))
        return v

    def value(v):
        if type(v) == "list":
            return [rel(x) for x in v]
        return rel(v)

    images = [{k: value(v) for k, v in e.items()} for e in entries]
    ctx.actions.write(output, json.encode_indent({"images": images}, indent = "  ") + "\n")
