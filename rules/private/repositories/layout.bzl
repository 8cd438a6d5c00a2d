"""Helpers shared by the goimage repository rules: manifests, platforms, the repository's layout and BUILD file."""

OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER = "application/vnd.oci.image.layer.v1.tar"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"

# What a registry is asked for: every manifest kind rules_goimage reads.
MANIFEST_ACCEPT = [OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST]

BLOBS = "layout/blobs/sha256/"

def blob_path(digest):
    """The path of a blob in the repository, from its digest."""
    return BLOBS + digest_hex(digest)

def digest_hex(digest):
    """The hex part of a sha256 digest; fails on any other digest."""
    if not digest.startswith("sha256:") or len(digest) != 71:
        fail("digest {} is not a sha256 digest".format(repr(digest)))
    return digest[len("sha256:"):]

def file_size(rctx, path):
    """The size of a file in bytes (Starlark reads text, not bytes).

    Args:
      rctx: the repository context.
      path: the file, relative to the repository.

    Returns:
      The size, an int.
    """
    result = rctx.execute(["wc", "-c", str(rctx.path(path))])
    if result.return_code != 0:
        fail("cannot tell the size of {}: {}".format(path, result.stderr))
    return int(result.stdout.strip().split(" ")[0])

def is_index(manifest):
    """Whether a decoded manifest is an image index (or Docker manifest list).

    Args:
      manifest: the decoded manifest.

    Returns:
      True for an index.
    """
    media_type = manifest.get("mediaType", "")
    if media_type:
        return media_type in [OCI_INDEX, DOCKER_LIST]
    return "manifests" in manifest

def platform_string(p):
    """The "os/arch[/variant]" of a platform.

    Args:
      p: a descriptor's platform or an image config, as a dict.

    Returns:
      The platform string.
    """
    s = "{}/{}".format(p.get("os", ""), p.get("architecture", ""))
    if p.get("variant", ""):
        s += "/" + p["variant"]
    return s

def platform_matches(want, have):
    """Whether a platform serves the one wanted.

    Args:
      want: the wanted platform, such as "linux/arm64".
      have: a platform present, such as "linux/arm64/v8".

    Returns:
      True when have serves want; a variant must match only when want names one.
    """
    w = want.split("/")
    h = have.split("/")
    if w[:2] != h[:2]:
        return False
    return len(w) < 3 or (len(h) == 3 and w[2] == h[2])

def image_platforms(index):
    """The image descriptors of a decoded index that run somewhere, skipping attestations (unknown/unknown)."""
    return [
        d
        for d in index.get("manifests", [])
        if d.get("platform", {}).get("os", "unknown") != "unknown"
    ]

def select_platforms(what, descriptors, platforms):
    """Picks the descriptors of the wanted platforms, all when none are named.

    Args:
      what: names the image in messages.
      descriptors: image descriptors with a "platform".
      platforms: the wanted "os/arch[/variant]"; empty for all.

    Returns:
      The chosen descriptors.
    """
    if not platforms:
        return descriptors
    chosen = []
    have = [platform_string(d["platform"]) for d in descriptors]
    for want in platforms:
        found = [d for d in descriptors if platform_matches(want, platform_string(d["platform"]))]
        if not found:
            fail("{} has no image for platform {} (it has: {}); list only platforms it has in platforms".format(
                what,
                want,
                ", ".join(have) or "none",
            ))
        if found[0] not in chosen:
            chosen.append(found[0])
    return chosen

def image_descriptor(digest, size, media_type, platform, name = ""):
    """A descriptor for index.json.

    Args:
      digest: the manifest's digest.
      size: the manifest's size.
      media_type: the manifest's media type.
      platform: the image's platform, "os/arch[/variant]".
      name: the image's reference without digest, "" when unknown; the
        assembler records it as the org.opencontainers.image.base.name of
        images built on this base.

    Returns:
      The descriptor, a dict.
    """
    os, arch = platform.split("/")[0], platform.split("/")[1]
    p = {"architecture": arch, "os": os}
    if platform.count("/") == 2:
        p["variant"] = platform.split("/")[2]
    d = {"digest": digest, "mediaType": media_type, "platform": p, "size": size}
    if name:
        d["annotations"] = {"io.containerd.image.name": name}
    return d

def write_repository(rctx, *, descriptors, digest, repository):
    """Writes the repository's layout (oci-layout, index.json) and its BUILD file.

    Args:
      rctx: the repository context; blobs are already below layout/blobs/sha256.
      descriptors: the image descriptors index.json lists, one per platform.
      digest: the digest the user pinned, or of the image a local base holds.
      repository: the registry repository it came from, "" for local bases.
    """
    rctx.file("layout/oci-layout", json.encode({"imageLayoutVersion": "1.0.0"}))
    rctx.file("layout/index.json", json.encode_indent({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": descriptors,
    }, indent = "  ") + "\n")
    platforms = [platform_string(d["platform"]) for d in descriptors]
    rctx.file("BUILD.bazel", """# Written by rules_goimage's goimage module extension.
load({base_bzl}, "goimage_base")

goimage_base(
    name = "image",
    oci_layout = "layout/oci-layout",
    index = "layout/index.json",
    blobs = glob(["layout/blobs/sha256/*"]),
    digest = {digest},
    platforms = {platforms},
    repository = {repository},
    visibility = ["//visibility:public"],
)
""".format(
        base_bzl = repr(str(Label("//rules/private:rules/base.bzl"))),
        digest = repr(digest),
        platforms = repr(platforms),
        repository = repr(repository),
    ))
