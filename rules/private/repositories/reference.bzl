"""Image references ("registry.example.com/team/app:tag@sha256:...") and registry URLs."""

_DOCKER_HUB = "index.docker.io"
_DOCKER_HUB_API = "registry-1.docker.io"

def _is_registry(component):
    return "." in component or ":" in component or component == "localhost"

def parse_reference(image):
    """Splits an image reference the way docker does.

    Args:
      image: such as "alpine", "gcr.io/distroless/static:nonroot" or
        "127.0.0.1:5000/app@sha256:...".

    Returns:
      struct(registry, repository, tag, digest, api_host, scheme); tag and digest are "" when absent.
    """
    name, _, digest = image.partition("@")
    slash = name.find("/")
    if slash > 0 and _is_registry(name[:slash]):
        registry, path = name[:slash], name[slash + 1:]
    else:
        registry, path = _DOCKER_HUB, name
    last = path.rfind("/")
    colon = path.rfind(":")
    tag = ""
    if colon > last:
        path, tag = path[:colon], path[colon + 1:]
    if registry in ["docker.io", _DOCKER_HUB]:
        registry = _DOCKER_HUB
        if "/" not in path:
            path = "library/" + path
    if not path or path != path.lower():
        fail("image {} has no valid repository; use a lower case reference such as \"registry.example.com/team/app\"".format(repr(image)))
    if digest and not (digest.startswith("sha256:") and len(digest) == 71):
        fail("image {} has digest {}, which is not a sha256:<64 hex digits> digest".format(repr(image), repr(digest)))
    return struct(
        registry = registry,
        repository = path,
        tag = tag,
        digest = digest,
        api_host = _DOCKER_HUB_API if registry == _DOCKER_HUB else registry,
        scheme = "http" if _is_local(registry) else "https",
    )

def _is_local(registry):
    host = registry.rsplit(":", 1)[0] if registry.count(":") == 1 else registry
    return host in ["localhost", "127.0.0.1", "[::1]"] or host.endswith(".localhost")

def repository_name(ref):
    """The registry/repository part of a reference, as a push can mount from."""
    return "{}/{}".format(ref.registry, ref.repository)

def manifest_url(ref, reference):
    """The URL of a manifest, by tag or digest."""
    return "{}://{}/v2/{}/manifests/{}".format(ref.scheme, ref.api_host, ref.repository, reference)

def blob_url(ref, digest):
    """The URL of a blob."""
    return "{}://{}/v2/{}/blobs/{}".format(ref.scheme, ref.api_host, ref.repository, digest)
