"""The digest a tag points at now, for the message that refuses an unpinned goimage.pull."""

load("//rules/private:repositories/layout.bzl", "MANIFEST_ACCEPT")
load("//rules/private:repositories/reference.bzl", "manifest_url")

# Bazel downloads plain-HTTP URLs only with a checksum, which a tag does not
# have; so registries on localhost are asked with a HEAD request over bash's
# /dev/tcp, and the answer's Docker-Content-Digest header is read. Credentials
# reach the script through its environment, never its arguments.
_HEAD_SCRIPT = """
set -eu
exec 3<>"/dev/tcp/$1/$2"
{
  printf 'HEAD %s HTTP/1.0\\r\\n' "$3"
  printf 'Host: %s:%s\\r\\n' "$1" "$2"
  printf 'Accept: %s\\r\\n' "$4"
  if [ -n "${GOIMAGE_USER:-}" ]; then
    GOIMAGE_AUTHORIZATION="Basic $(printf '%s:%s' "$GOIMAGE_USER" "$GOIMAGE_PASSWORD" | base64 | tr -d '\\n')"
  fi
  if [ -n "${GOIMAGE_AUTHORIZATION:-}" ]; then printf 'Authorization: %s\\r\\n' "$GOIMAGE_AUTHORIZATION"; fi
  printf '\\r\\n'
} >&3
while IFS= read -r -t 20 line <&3; do
  line=${line%$'\\r'}
  [ -n "$line" ] || break
  printf '%s\\n' "$line"
done
"""

def _over_http(rctx, ref, auth):
    host, _, port = ref.api_host.rpartition(":")
    if not host:
        host, port = ref.api_host, "80"
    bash = rctx.which("bash")
    if not bash:
        return ""
    path = "/v2/{}/manifests/{}".format(ref.repository, ref.tag or "latest")
    result = rctx.execute(
        [bash, "-c", _HEAD_SCRIPT, "head", host.strip("[]"), port, path, ", ".join(MANIFEST_ACCEPT)],
        environment = auth.env,
        timeout = 30,
        quiet = True,
    )
    lines = result.stdout.splitlines()
    if result.return_code != 0 or not lines or " 200 " not in lines[0] + " ":
        return ""
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "docker-content-digest" and value.strip().startswith("sha256:"):
            return value.strip()
    return ""

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
