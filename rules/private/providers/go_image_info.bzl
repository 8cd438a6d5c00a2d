"""GoImageInfo: an image built or fetched by rules_goimage."""

GoImageInfo = provider(
    doc = """An OCI image, or an image index over several platforms.

Every image rule of rules_goimage returns it: `go_image` targets, the
`:image` targets of bases made by the `goimage` module extension, and
images of other rule sets imported as bases.

The image is an OCI layout that need not hold its layer blobs: a base's
layout is complete, in its repository; a `go_image` writes a thin layout (its
manifests and configs), and its layers stay where they were made, each
stored once. `image`, the image file, names the layout and those blobs: every
assembler verb that reads an image takes it as `--image` (`build` as
`--base`), with `layout_files` as inputs to read its manifests and configs,
or `files` to read all of it. `image_info` in
`rules/private/actions/image_file.bzl` writes it.""",
    fields = {
        "image": "File: the image file, `image.json`: the layout and the files of the blobs it leaves out, named as actions and `bazel run` see them.",
        "layout_files": "depset of Files: what reading the layout's manifests and configs needs, `image` included.",
        "blobs": "depset of Files: the blobs the layout leaves out, each a file named by its sha256 digest (a base's `blobs/sha256/<hex>`) or a layout directory that holds them (an imported base).",
        "layers": "depset of GoImageLayerInfo: the layers the layout leaves out, each a blob with its descriptor.",
        "files": "depset of Files: what reading the whole image needs (a tarball, a push): `layout_files`, `blobs` and the layers' files.",
        "tarball": "File or None: the image as one tarball that is both an OCI layout and a Docker archive (`manifest.json`).",
        "digest": "File or None: a text file holding the digest of the image's manifest (or index), `sha256:...`.",
        "platforms": "list of strings: the platforms the image is for, `os/arch[/variant]`; empty when unknown.",
        "declared_as": "string: how the user declared the image, such as `goimage.pull(name = \"distroless\", image = \"...\")`, for messages; empty for images rules build.",
        "base_repository": "string: a registry repository that holds this image's base layers, so a push to the same registry can mount them instead of uploading, and the blobs no file holds are read from there (a base pulled with `layers = \"lazy\"`); empty when unknown.",
        "layer_indexes": "depset of Files: for a base whose layers stay in its registry, the index of each layer's files (`<sha256 hex>.json`), which the checks of the images built on it read; empty otherwise.",
    },
)
