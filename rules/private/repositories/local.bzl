"""goimage_local: a base image from an OCI layout directory or a `docker save` tarball, checked blob by blob.

An OCI layout (or a Docker 25+ `docker save` tarball, which is one) is read
through its index.json; images of the index whose blobs are missing are left
out, since engines with the containerd image store save indexes that list
platforms they never pulled. A classic `docker save` tarball is read through
its manifest.json and turned into an OCI layout. Every blob is copied with
its sha256 checked, so a corrupted or truncated export fails here, naming
the blob, and not later in a build.
"""

load(
    "//rules/private:repositories/layout.bzl",
    "OCI_CONFIG",
    "OCI_LAYER",
    "OCI_LAYER_GZIP",
    "OCI_MANIFEST",
    "blob_path",
    "digest_hex",
    "file_size",
    "image_descriptor",
    "is_index",
    "platform_string",
    "select_platforms",
    "write_repository",
)

_TAR_EXTENSIONS = [".tar", ".tar.gz", ".tgz"]

def _source(rctx):
    path = rctx.attr.path
    source = rctx.path(path) if path.startswith("/") else rctx.workspace_root.get_child(path)
    if not source.exists:
        fail("goimage.local(name = \"{}\"): {} does not exist; path is an OCI layout directory or a docker save tarball, relative to the root module's directory".format(rctx.original_name, source))
    if source.is_dir:
        rctx.watch_tree(source)
        return source
    if not [e for e in _TAR_EXTENSIONS if path.endswith(e)]:
        fail("goimage.local(name = \"{}\"): {} is neither a directory nor a tarball ending in {}".format(rctx.original_name, path, ", ".join(_TAR_EXTENSIONS)))
    rctx.watch(source)
    rctx.extract(source, output = "tmp/src")
    return rctx.path("tmp/src")

def _copy_blob(rctx, src, path, digest, what):
    """Copies a blob into the repository, checking its sha256."""
    file = src.get_child(path)
    if not file.exists:
        fail(_missing_message(rctx, [(digest, what)]))
    if rctx.path(blob_path(digest)).exists:
        return

    # No sha256 argument: with one, Bazel may serve the blob from its
    # repository cache and never read the file, which must be checked.
    result = rctx.download("file://" + str(file), output = blob_path(digest), allow_fail = True)
    if not result.success or result.sha256 != digest_hex(digest):
        fail("goimage.local(name = \"{}\"): {} ({}) in {} does not match its digest {}: the export is corrupted; export the image again".format(
            rctx.original_name,
            path,
            what,
            rctx.attr.path,
            digest,
        ))

def _missing_message(rctx, missing):
    return """goimage.local(name = "{name}"): {path} lacks {blobs}.
`docker save` on engines with the containerd image store lists platforms it never pulled.
Export only a platform the engine has (`docker save --platform linux/amd64 IMAGE`, Docker 27+),
or pull the image for every platform first, or set platforms = [...] to the platforms {path} holds.""".format(
        name = rctx.original_name,
        path = rctx.attr.path,
        blobs = ", ".join(["blob {} ({})".format(d, what) for d, what in missing]),
    )

def _blob_json(rctx, src, digest):
    return json.decode(rctx.read(src.get_child("blobs/sha256/" + digest_hex(digest))))

def _has_blob(src, digest):
    return src.get_child("blobs/sha256/" + digest_hex(digest)).exists

# --- OCI layouts ------------------------------------------------------------

def _oci_images(rctx, src, index, out, missing):
    """Collects the image descriptors of an index, nested indexes included."""
    for d in index.get("manifests", []):
        if d.get("platform", {}).get("os", "") == "unknown":
            continue  # attestations stored beside the images
        if not _has_blob(src, d["digest"]):
            missing.append((d["digest"], "manifest of {}".format(platform_string(d.get("platform", {})) if d.get("platform") else "an image")))
            continue
        manifest = _blob_json(rctx, src, d["digest"])
        if is_index(manifest):
            _oci_images(rctx, src, manifest, out, missing)
            continue
        platform = d.get("platform")
        if not platform:
            if not _has_blob(src, manifest["config"]["digest"]):
                missing.append((manifest["config"]["digest"], "config of image " + d["digest"]))
                continue
            platform = _blob_json(rctx, src, manifest["config"]["digest"])
        out.append(struct(descriptor = d, manifest = manifest, platform = platform_string(platform)))

def _image_blobs(image):
    blobs = [(image.descriptor["digest"], "manifest of the {} image".format(image.platform))]
    blobs.append((image.manifest["config"]["digest"], "config of the {} image".format(image.platform)))
    for i, layer in enumerate(image.manifest.get("layers", [])):
        blobs.append((layer["digest"], "layer {} of the {} image".format(i + 1, image.platform)))
    return blobs

def _from_oci(rctx, src):
    index = json.decode(rctx.read(src.get_child("index.json")))
    images, missing = [], []
    _oci_images(rctx, src, index, images, missing)
    complete = []
    for image in images:
        lacking = [b for b in _image_blobs(image) if not _has_blob(src, b[0])]
        if lacking:
            missing += lacking
        else:
            complete.append(image)
    if rctx.attr.platforms:
        wanted = select_platforms(rctx.attr.path, [{"platform": _platform_dict(i.platform), "image": i} for i in images], rctx.attr.platforms)
        lacking = [b for w in wanted for b in _image_blobs(w["image"]) if not _has_blob(src, b[0])]
        if lacking:
            fail(_missing_message(rctx, lacking))
        complete = [w["image"] for w in wanted]
    if not complete:
        return None, missing
    descriptors = []
    for image in complete:
        for digest, what in _image_blobs(image):
            _copy_blob(rctx, src, "blobs/sha256/" + digest_hex(digest), digest, what)
        d = image.descriptor
        name = d.get("annotations", {}).get("io.containerd.image.name", "")
        descriptors.append(image_descriptor(d["digest"], d["size"], d.get("mediaType", OCI_MANIFEST), image.platform, name))
    tops = index.get("manifests", [])
    digest = tops[0]["digest"] if len(tops) == 1 else descriptors[0]["digest"]
    return struct(descriptors = descriptors, digest = digest), missing

def _platform_dict(platform):
    parts = platform.split("/")
    d = {"os": parts[0], "architecture": parts[1] if len(parts) > 1 else ""}
    if len(parts) > 2:
        d["variant"] = parts[2]
    return d

# --- classic docker save tarballs ----------------------------------------------

def _hex_of_path(path):
    """The digest a docker save path names: blobs/sha256/<hex> or <hex>.json."""
    name = path.split("/")[-1].removesuffix(".json")
    if len(name) == 64:
        return "sha256:" + name
    return None

def _from_docker(rctx, src):
    entries = json.decode(rctx.read(src.get_child("manifest.json")))
    if len(entries) != 1:
        fail("goimage.local(name = \"{}\"): {} holds {} images; save exactly one (docker save IMAGE)".format(rctx.original_name, rctx.attr.path, len(entries)))
    entry = entries[0]
    config_digest = _hex_of_path(entry["Config"])
    if not config_digest:
        fail("goimage.local(name = \"{}\"): manifest.json names config {}, whose digest its name does not give".format(rctx.original_name, entry["Config"]))
    _copy_blob(rctx, src, entry["Config"], config_digest, "config")
    config = json.decode(rctx.read(blob_path(config_digest)))
    platform = platform_string(config)
    select_platforms(rctx.attr.path, [{"platform": config}], rctx.attr.platforms)
    diff_ids = config.get("rootfs", {}).get("diff_ids", [])
    if len(diff_ids) != len(entry["Layers"]):
        fail("goimage.local(name = \"{}\"): {} lists {} layers, its config {}; export the image again".format(rctx.original_name, rctx.attr.path, len(entry["Layers"]), len(diff_ids)))
    layers = []
    for i, path in enumerate(entry["Layers"]):
        # Classic exports hold uncompressed layers, whose digest is the diff ID.
        digest = _hex_of_path(path) or diff_ids[i]
        _copy_blob(rctx, src, path, digest, "layer {}".format(i + 1))
        media_type = OCI_LAYER if digest == diff_ids[i] else OCI_LAYER_GZIP
        layers.append({"mediaType": media_type, "digest": digest, "size": file_size(rctx, blob_path(digest))})
    manifest = json.encode({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": {"mediaType": OCI_CONFIG, "digest": config_digest, "size": file_size(rctx, blob_path(config_digest))},
        "layers": layers,
    })
    rctx.file("tmp/manifest.json", manifest)
    digest = "sha256:" + rctx.download("file://" + str(rctx.path("tmp/manifest.json")), output = "tmp/manifest.copy").sha256
    rctx.file(blob_path(digest), manifest)
    name = (entry.get("RepoTags") or [""])[0]
    return struct(descriptors = [image_descriptor(digest, len(manifest), OCI_MANIFEST, platform, name)], digest = digest)

def _goimage_local_impl(rctx):
    src = _source(rctx)
    found, missing = None, []
    if src.get_child("index.json").exists:
        found, missing = _from_oci(rctx, src)
    if not found and src.get_child("manifest.json").exists:
        found = _from_docker(rctx, src)
    if not found and missing:
        fail(_missing_message(rctx, missing))
    if not found:
        fail("goimage.local(name = \"{}\"): {} holds no image: it has neither an index.json (OCI layout) nor a manifest.json (docker save)".format(rctx.original_name, rctx.attr.path))
    rctx.delete("tmp")
    write_repository(rctx, descriptors = found.descriptors, digest = found.digest, repository = "")

goimage_local = repository_rule(
    implementation = _goimage_local_impl,
    doc = "A base image from an OCI layout directory or a docker save tarball; made by `goimage.local`.",
    attrs = {
        "path": attr.string(mandatory = True, doc = "The directory or tarball, relative to the root module's directory."),
        "platforms": attr.string_list(doc = "The platforms to take; empty: every complete image."),
    },
)
