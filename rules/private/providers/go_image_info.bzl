"""GoImageInfo: an image built or fetched by rules_goimage."""

GoImageInfo = provider(
    doc = """An OCI image, or an image index over several platforms.

Every image rule of rules_goimage returns it: `go_image` targets, and the
`:image` targets of bases made by the `goimage` module extension.

The image is an OCI layout that need not hold its layer blobs: a base's
layout is complete, in its repository; a `go_image` writes a thin layout (its
manifests and configs), and its layers stay where they were made, each
stored once. Reading the layout's manifests and configs needs
`layout_files`; copying the image (a tarball, a push) needs `blobs` and
`layers` too. `image_input_args` in `rules/private/actions/image_input.bzl`
turns this into the assembler's arguments.""",
    fields = {
        "layout": "File: the OCI layout: a directory, or the `index.json` whose folder is the layout.",
        "layout_files": "depset of Files: what reading the layout's manifests and configs needs, `layout` included.",
        "blobs": "depset of Files: layer blobs the layout refers to, each named by its sha256 digest (a base's `blobs/sha256/<hex>`).",
        "layers": "depset of GoImageLayerInfo: layers the layout refers to, each a blob with its descriptor.",
        "tarball": "File or None: the image as one tarball that is both an OCI layout and a Docker archive (`manifest.json`).",
        "digest": "File or None: a text file holding the digest of the image's manifest (or index), `sha256:...`.",
        "platforms": "list of strings: the platforms the image is for, `os/arch[/variant]`; empty when unknown.",
        "declared_as": "string: how the user declared the image, such as `goimage.pull(name = \"distroless\", image = \"...\")`, for messages; empty for images rules build.",
        "base_repository": "string: a registry repository that holds this image's base layers, so a push to the same registry can mount them instead of uploading; empty when unknown.",
    },
)
