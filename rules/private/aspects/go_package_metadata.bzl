"""The package metadata of the Go packages a binary links: an aspect on go_image's `binary`.

Gazelle's go_deps makes a go_repository per Go module, at the version it
resolved by minimal version selection over every go.mod of the build and
after overrides; go_repository gives each target of the repository a
package_metadata whose package URL, pkg:golang/<module>@<version>, names that
module and version (in its provider, and in the JSON file it writes). The
SBOM and the provenance read it for binaries whose
build info lists no modules (rules_go's before v0.63.0, which reads the same
metadata into the build info itself).
"""

load("@package_metadata//providers:package_metadata_info.bzl", "PackageMetadataInfo")
load("@rules_go//go:def.bzl", "GoArchive")

GoPackageMetadataInfo = provider(
    doc = "The package metadata of the Go packages of other repositories that a target links.",
    fields = {
        "packages": "depset of strings: a package's import path, a tab, and its repository's package URL, or the path of its package metadata file (package_metadata's JSON, which holds it) where the provider does not give it.",
        "files": "depset of the package metadata files that `packages` names.",
    },
)

# The attributes a target's package metadata is in: Bazel 8 names it
# package_metadata, Bazel 7 applicable_licenses.
_METADATA_ATTRS = ["package_metadata", "applicable_licenses"]

def _package_metadata(rule_attr):
    for name in _METADATA_ATTRS:
        for target in getattr(rule_attr, name, None) or []:
            if PackageMetadataInfo in target:
                return target[PackageMetadataInfo]
    return None

def _go_package_metadata_aspect_impl(target, ctx):
    packages, files = [], []
    info = _package_metadata(ctx.rule.attr) if GoArchive in target and target.label.workspace_name else None

    # Versions of package_metadata before its provider had purl give it only
    # in the metadata file.
    purl = getattr(info, "purl", None) if info else None
    if purl:
        packages.append("{}\t{}".format(target[GoArchive].data.importpath, purl))
    elif info:
        packages.append("{}\t{}".format(target[GoArchive].data.importpath, info.metadata.path))
        files.append(info.metadata)
    deps = [
        dep[GoPackageMetadataInfo]
        for name in ["deps", "embed"]
        for dep in getattr(ctx.rule.attr, name, None) or []
        if GoPackageMetadataInfo in dep
    ]
    return [GoPackageMetadataInfo(
        packages = depset(packages, transitive = [d.packages for d in deps]),
        files = depset(files, transitive = [d.files for d in deps]),
    )]

go_package_metadata_aspect = aspect(
    implementation = _go_package_metadata_aspect_impl,
    attr_aspects = ["deps", "embed"],
    doc = "Collects GoPackageMetadataInfo along deps and embed.",
)
