"""GoImageLayerInfo: one prebuilt image layer."""

GoImageLayerInfo = provider(
    doc = """One image layer, built once and stacked onto images as is.

A layer is a compressed tar blob and a JSON descriptor beside it (media type,
digest, size, diff ID); an image action appends it without recompressing.""",
    fields = {
        "blob": "File: the compressed layer.",
        "descriptor": "File: the layer's JSON descriptor, as `assembler layer --descriptor` writes it.",
    },
)
