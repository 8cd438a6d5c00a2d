"""Stand-in for package_metadata's provider, with the real one's fields."""

PackageMetadataInfo = provider(
    doc = "Metadata of a package.",
    fields = {
        "metadata": "File: the package's metadata, JSON with its purl.",
        "purl": "The package URL.",
        "files": "depset of the metadata Files.",
    },
)
