"""Providers shared by the rules_goimage rules."""

GoImageInfo = provider(
    doc = "An OCI image (or image index) built or fetched by rules_goimage.",
    fields = {
        "layout": "File: a directory artifact holding the image as an OCI image layout.",
        "tarball": "File or None: the same image as one tarball (OCI layout + Docker manifest.json).",
        "digest": "File or None: a text file holding the image's manifest (or index) digest, sha256:...",
    },
)
