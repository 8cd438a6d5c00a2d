"""GoImageInfo: an image built or fetched by rules_goimage."""

GoImageInfo = provider(
    doc = """An OCI image, or an image index over several platforms.

Every image rule of rules_goimage returns it: `go_image` targets, and the
`:image` targets of bases made by the `goimage` module extension. A rule that
takes a base reads `layout`.""",
    fields = {
        "layout": "File: a directory holding the image as an OCI image layout (`oci-layout`, `index.json`, `blobs/`).",
        "tarball": "File or None: the same image as one tarball that is both an OCI layout and a Docker archive (`manifest.json`).",
        "digest": "File or None: a text file holding the digest of the image's manifest (or index), `sha256:...`.",
        "platforms": "list of strings: the platforms the image is for, `os/arch[/variant]`; empty when unknown.",
        "base_repository": "string: a registry repository that holds this image's base layers, so a push to the same registry can mount them instead of uploading; empty when unknown.",
    },
)
