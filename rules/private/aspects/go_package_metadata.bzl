"""The package URLs of the Go packages a binary links: an aspect on go_image's `binary`.

Gazelle's go_deps makes a go_repository per Go module, at the version it
resolved by minimal version selection over the go.mod of every Bazel module
and after overrides; go_repository gives each target of the repository
package metadata (`package_metadata`, and rules_license's `package_info`)
whose `purl`, pkg:golang/<module>@<version>, names that module and version.
The SBOM and the provenance read it for binaries whose build info lists no
modules (rules_go's before v0.63.0). The aspect reads the metadata target's
`purl` attribute, so it loads nothing from the modules that define them.
"""

load("@rules_go//go:def.bzl", "GoArchive")

GoPackageMetadataInfo = provider(
    doc = "The package URLs of the Go packages of other repositories that a target links.",
    fields = {
        "packages": "depset of strings: a package's import path, a tab, and its repository's package URL.",
        "purl": "The package URL of a package metadata target, else None.",
    },
)

# The attributes a target's package metadata is in: Bazel 8 names it
# package_metadata, Bazel 7 applicable_licenses.
_METADATA_ATTRS = ["package_metadata", "applicable_licenses"]

def _infos(rule_attr, names):
    return [
        dep[GoPackageMetadataInfo]
        for name in names
        for dep in getattr(rule_attr, name, None) or []
        if GoPackageMetadataInfo in dep
    ]

def _go_package_metadata_aspect_impl(target, ctx):
    purl = getattr(ctx.rule.attr, "purl", None)
    if type(purl) == "string" and purl.startswith("pkg:golang/"):
        return [GoPackageMetadataInfo(packages = depset(), purl = purl)]
    packages = []
    if GoArchive in target and target.label.workspace_name:
        purls = [i.purl for i in _infos(ctx.rule.attr, _METADATA_ATTRS) if i.purl]
        if purls:
            packages.append("{}\t{}".format(target[GoArchive].data.importpath, purls[0]))
    return [GoPackageMetadataInfo(
        packages = depset(packages, transitive = [i.packages for i in _infos(ctx.rule.attr, ["deps", "embed"])]),
        purl = None,
    )]

go_package_metadata_aspect = aspect(
    implementation = _go_package_metadata_aspect_impl,
    attr_aspects = ["deps", "embed"] + _METADATA_ATTRS,
    doc = "Collects GoPackageMetadataInfo along deps and embed, and the package URLs of their package metadata.",
)
