"""Stand-in for package_metadata's rule: writes its metadata file, as the real rule does."""

load("//providers:package_metadata_info.bzl", "PackageMetadataInfo")

def _impl(ctx):
    # The real rule's file: {"attributes": ..., "label": ..., "purl": ...}.
    metadata = ctx.actions.declare_file(ctx.attr.name + ".package-metadata.json")
    ctx.actions.write(metadata, json.encode({"attributes": {}, "label": str(ctx.label), "purl": ctx.attr.purl}))
    return [
        DefaultInfo(files = depset([metadata])),
        PackageMetadataInfo(metadata = metadata, purl = ctx.attr.purl, files = depset([metadata])),
    ]

_package_metadata = rule(
    implementation = _impl,
    attrs = {"purl": attr.string(), "attributes": attr.label_list()},
)

def package_metadata(name, purl = None, attributes = [], visibility = None, **kwargs):  # buildifier: disable=unused-variable
    """Declares a package's metadata.

    Args:
      name: the target's name.
      purl: the package URL.
      attributes: further metadata targets.
      visibility: the target's visibility.
      **kwargs: ignored.
    """
    _package_metadata(name = name, purl = purl, attributes = attributes, visibility = visibility, applicable_licenses = [])
