"""The digest a tag points at now, for the message that refuses an unpinned goimage.pull."""

load("//rules/private:repositories/layout.bzl", "MANIFEST_ACCEPT")
load("//rules/private:repositories/plain_http.bzl", "plain_http")
load("//rules/private:repositories/reference.bzl", "manifest_url")

def _over_http(rctx, ref, auth):
    answer = plain_http(rctx, "HEAD", manifest_url(ref, ref.tag or "latest"), headers = {"Accept": ", ".join(MANIFEST_ACCEPT)}, env = auth.env)
    digest = answer.headers.get("docker-content-digest", "")
    return digest if answer.status == 200 and digest.startswith("sha256:") else ""

def current_digest(rctx, ref, auth):
    """Asks the registry which digest the reference's tag points at.

    Args:
      rctx: the repository context.
      ref: the parsed reference (reference.bzl).
      auth: the registry's credentials, from registry_auth().

    Returns:
      "sha256:...", or "" when the registry does not answer.
    """
    if ref.scheme == "http":
        return _over_http(rctx, ref, auth)
    url = manifest_url(ref, ref.tag or "latest")
    found = rctx.download(url, output = "tmp/unpinned.json", headers = {"Accept": MANIFEST_ACCEPT}, auth = auth.urls([url]), allow_fail = True)
    return "sha256:" + found.sha256 if found.success else ""
