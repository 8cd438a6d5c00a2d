"""What goimage_pull and goimage_local share: running `assembler import`, and the repository it fills.

The assembler does all the image work: it reads the base (a registry, a
layout, an archive), picks the platforms, checks every blob against its
digest and every layer against its diff_id, and writes the chosen images as
an OCI layout in `layout/`. These rules only run it and describe the result
to Bazel in a BUILD file.
"""

ASSEMBLER_ATTRS = {
    "assembler": attr.label(
        doc = "The assembler built for the host (goimage_tools).",
        mandatory = True,
        executable = True,
        cfg = "exec",
    ),
}

def import_base(rctx, *, what, source, platforms, lazy_layers = False, environment = {}):
    """Runs `assembler import` into layout/ and returns what it imported.

    Args:
      rctx: the repository context.
      what: names the base in messages, such as `goimage.local(name = "base")`.
      source: the base, as `assembler import --base` takes it.
      platforms: the platforms to import; empty for every complete image.
      lazy_layers: leave a registry base's layers in the registry: fetch
        its manifests and configs only.
      environment: more environment for the assembler.

    Returns:
      The decoded metadata: digest, name, images (platform, digest).
    """
    args = [rctx.path(rctx.attr.assembler), "import", "--base", source, "--layout", "layout", "--metadata", "import.json"]
    for p in platforms:
        args += ["--platform", p]
    if lazy_layers:
        args.append("--lazy-layers")
    rctx.delete("layout")
    rctx.report_progress("importing " + source)
    result = rctx.execute(args, environment = environment, timeout = 3600)
    if result.return_code != 0:
        fail("{}: {}".format(what, result.stderr.strip().removeprefix("assembler: ")))
    metadata = json.decode(rctx.read("import.json"))
    rctx.delete("import.json")
    return metadata

def write_build_file(rctx, *, what, metadata, digest = "", repository = ""):
    """Writes the BUILD file that makes `:image` of the imported layout.

    Args:
      rctx: the repository context.
      what: names the base as the user declared it, for messages.
      metadata: what import_base returned.
      digest: the digest the user pinned; default: the base's own.
      repository: the registry repository it came from, "" for local bases.
    """
    rctx.file("BUILD.bazel", """# Written by rules_goimage's goimage module extension.
load({base_bzl}, "goimage_base")

goimage_base(
    name = "image",
    index = "layout/index.json",
    oci_layout = "layout/oci-layout",
    metadata_blobs = {metadata_blobs},
    layer_blobs = {layer_blobs},
    remote_layers = {remote_layers},
    fs_indexes = {fs_indexes},
    digest = {digest},
    platforms = {platforms},
    repository = {repository},
    declared_as = {what},
    visibility = ["//visibility:public"],
)
""".format(
        base_bzl = repr(str(Label("//rules/private:rules/base.bzl"))),
        metadata_blobs = repr([_blob_path(d) for d in metadata["metadata_blobs"]]),
        layer_blobs = repr([_blob_path(d) for d in metadata["layer_blobs"]]),
        fs_indexes = repr(["layout/" + f for f in metadata["fs_indexes"]]),
        remote_layers = repr(metadata.get("remote_layers", [])),
        digest = repr(digest or metadata["digest"]),
        platforms = repr([i["platform"] for i in metadata["images"]]),
        repository = repr(repository),
        what = repr(what),
    ))

def _blob_path(digest):
    return "layout/blobs/" + digest.replace(":", "/")
