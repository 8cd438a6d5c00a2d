"""goimage_pull: a base image fetched from a registry by digest, every blob verified."""

load("//rules/private:repositories/auth.bzl", "registry_auth")
load(
    "//rules/private:repositories/layout.bzl",
    "MANIFEST_ACCEPT",
    "OCI_MANIFEST",
    "blob_path",
    "digest_hex",
    "file_size",
    "image_descriptor",
    "image_platforms",
    "is_index",
    "platform_string",
    "select_platforms",
    "write_repository",
)
load("//rules/private:repositories/reference.bzl", "blob_url", "manifest_url", "parse_reference", "repository_name")
load("//rules/private:repositories/tag_digest.bzl", "current_digest")

_HEADERS = {"Accept": MANIFEST_ACCEPT}

def _refuse_unpinned(rctx, ref, auth):
    """Fails for a reference without a digest, showing the digest to pin when the registry answers."""
    digest = current_digest(rctx, ref, auth)
    if digest:
        pin = "digest = \"{}\"".format(digest)
        now = "; {}:{} is now {}".format(repository_name(ref), ref.tag or "latest", digest)
    else:
        pin = "digest = \"sha256:...\""
        now = " (the registry did not tell the current digest; `crane digest {}` or `docker buildx imagetools inspect` shows it)".format(rctx.attr.image)
    fail("""goimage.pull(name = "{name}", image = "{image}") has no digest{now}.
Bases are pinned by digest so that builds are reproducible; pin it in MODULE.bazel:

    goimage.pull(
        name = "{name}",
        image = "{image}",
        {pin},
    )""".format(name = rctx.original_name, image = rctx.attr.image, now = now, pin = pin))

def _fetch_manifest(rctx, ref, auth, digest):
    url = manifest_url(ref, digest)
    result = rctx.download(url, output = blob_path(digest), sha256 = digest_hex(digest), headers = _HEADERS, auth = auth.urls([url]), allow_fail = True)
    if not result.success:
        fail("cannot fetch manifest {} of {}: the registry refused or does not have it, or its content does not match the digest (the download's warning above says which); check the digest, and for a private registry run docker login {}".format(
            digest,
            repository_name(ref),
            ref.registry,
        ))
    return json.decode(rctx.read(blob_path(digest)))

def _fetch_blobs(rctx, ref, auth, digests):
    """Downloads blobs in parallel, each verified against its digest."""
    pending = []
    for digest in digests:
        url = blob_url(ref, digest)
        pending.append((digest, rctx.download(url, output = blob_path(digest), sha256 = digest_hex(digest), auth = auth.urls([url]), allow_fail = True, block = False)))
    for digest, download in pending:
        if not download.wait().success:
            fail("cannot fetch blob {} of {}: it is missing or does not match its digest (see the warning above)".format(digest, repository_name(ref)))

def _fetch_image(rctx, ref, auth, digest):
    """Fetches an image manifest, its config and layers; returns the decoded manifest and config."""
    manifest = _fetch_manifest(rctx, ref, auth, digest)
    digests = [manifest["config"]["digest"]] + [layer["digest"] for layer in manifest.get("layers", [])]
    _fetch_blobs(rctx, ref, auth, [d for d in digests if not rctx.path(blob_path(d)).exists])
    config = json.decode(rctx.read(blob_path(manifest["config"]["digest"])))
    return manifest, config

def _single_image(rctx, ref, auth, digest, manifest):
    _, config = _fetch_image(rctx, ref, auth, digest)
    select_platforms(rctx.attr.image, [{"platform": config}], rctx.attr.platforms)
    media_type = manifest.get("mediaType", OCI_MANIFEST)
    return [image_descriptor(digest, file_size(rctx, blob_path(digest)), media_type, platform_string(config), _name(ref))]

def _index_images(rctx, ref, auth, index):
    chosen = select_platforms(rctx.attr.image, image_platforms(index), rctx.attr.platforms)
    descriptors = []
    for d in chosen:
        _fetch_image(rctx, ref, auth, d["digest"])
        descriptors.append(image_descriptor(d["digest"], d["size"], d["mediaType"], platform_string(d["platform"]), _name(ref)))
    return descriptors

def _name(ref):
    """The reference without digest, as the base.name annotation wants it."""
    return repository_name(ref) + (":" + ref.tag if ref.tag else "")

def _goimage_pull_impl(rctx):
    ref = parse_reference(rctx.attr.image)
    digest = rctx.attr.digest or ref.digest
    if rctx.attr.digest and ref.digest and rctx.attr.digest != ref.digest:
        fail("goimage.pull(name = \"{}\") has two different digests, {} in image and {} in digest; keep one".format(rctx.original_name, ref.digest, rctx.attr.digest))
    auth = registry_auth(rctx, ref)
    if not digest:
        _refuse_unpinned(rctx, ref, auth)
    top = _fetch_manifest(rctx, ref, auth, digest)
    if is_index(top):
        descriptors = _index_images(rctx, ref, auth, top)
    else:
        descriptors = _single_image(rctx, ref, auth, digest, top)
    rctx.delete("tmp")
    write_repository(rctx, descriptors = descriptors, digest = digest, repository = repository_name(ref))

goimage_pull = repository_rule(
    implementation = _goimage_pull_impl,
    doc = "A base image fetched from a registry by digest; made by `goimage.pull`.",
    attrs = {
        "image": attr.string(mandatory = True, doc = "The image reference."),
        "digest": attr.string(doc = "The digest of the image or index."),
        "platforms": attr.string_list(doc = "The platforms to fetch from an index; empty: all."),
    },
)
