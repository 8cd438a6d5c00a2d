"""Stand-in for package_metadata's provider: carries metadata, nothing more."""

PackageMetadataInfo = provider(
    doc = "Metadata of a package.",
    fields = ["purl", "attributes", "files"],
)
