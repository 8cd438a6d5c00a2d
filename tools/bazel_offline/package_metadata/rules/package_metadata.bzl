"""Stand-in for package_metadata's rule: carries metadata, nothing more."""

load("//providers:package_metadata_info.bzl", "PackageMetadataInfo")

def _impl(ctx):
    return [PackageMetadataInfo(purl = ctx.attr.purl, attributes = [], files = [])]

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
