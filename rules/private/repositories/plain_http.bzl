"""Requests to plain-HTTP registries (on localhost), which Bazel's downloader cannot make.

Bazel downloads plain-HTTP URLs only with a checksum, and never shows response
headers; a tag lookup, a bearer-token challenge or a token has neither. So for
registries on localhost these requests go over bash's /dev/tcp, as HTTP/1.0
(the server closes the connection after its answer). Credentials reach the
script through its environment, never its arguments.
"""

_REQUEST_SCRIPT = """
set -eu
exec 3<>"/dev/tcp/$1/$2"
{
  printf '%s %s HTTP/1.0\\r\\n' "$3" "$4"
  printf 'Host: %s:%s\\r\\n' "$1" "$2"
  shift 4
  for header in "$@"; do printf '%s\\r\\n' "$header"; done
  if [ -n "${GOIMAGE_USER:-}" ]; then
    GOIMAGE_AUTHORIZATION="Basic $(printf '%s:%s' "$GOIMAGE_USER" "$GOIMAGE_PASSWORD" | base64 | tr -d '\\n')"
  fi
  if [ -n "${GOIMAGE_AUTHORIZATION:-}" ]; then printf 'Authorization: %s\\r\\n' "$GOIMAGE_AUTHORIZATION"; fi
  printf '\\r\\n'
} >&3
cat <&3
"""

def _split_url(url):
    """Splits "http://host:port/path?query" into (host, port, path)."""
    hostport, slash, path = url[len("http://"):].partition("/")
    host, port = hostport, "80"
    if hostport.startswith("["):
        end = hostport.find("]")
        host = hostport[1:end]
        if hostport[end + 1:].startswith(":"):
            port = hostport[end + 2:]
    elif ":" in hostport:
        host, _, port = hostport.partition(":")
    return host, port, (slash + path) or "/"

def plain_http(rctx, method, url, headers = {}, env = {}):
    """Makes one plain-HTTP request.

    Args:
      rctx: the repository context.
      method: "GET" or "HEAD".
      url: an http:// URL.
      headers: request headers, name to value.
      env: credentials as registry_auth() gives them (GOIMAGE_AUTHORIZATION, or
        GOIMAGE_USER and GOIMAGE_PASSWORD).

    Returns:
      struct(status, headers, body): status is the HTTP status code (0 when
      the server did not answer), headers a dict keyed by lowercase names.
    """
    bash = rctx.which("bash")
    if not bash:
        return struct(status = 0, headers = {}, body = "")
    host, port, path = _split_url(url)
    result = rctx.execute(
        [bash, "-c", _REQUEST_SCRIPT, "request", host, port, method, path] + ["{}: {}".format(k, v) for k, v in headers.items()],
        environment = env,
        timeout = 30,
        quiet = True,
    )
    head, _, body = result.stdout.replace("\r\n", "\n").partition("\n\n")
    lines = head.split("\n")
    status_fields = lines[0].split(" ")
    if result.return_code != 0 or len(status_fields) < 2 or not status_fields[1].isdigit():
        return struct(status = 0, headers = {}, body = "")
    answer_headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        answer_headers[name.strip().lower()] = value.strip()
    return struct(status = int(status_fields[1]), headers = answer_headers, body = body)
