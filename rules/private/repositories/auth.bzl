"""Registry credentials for repository rules: docker config.json, credential helpers, bearer tokens.

Credentials are looked up as docker does: `credHelpers` for the registry,
then `auths` (what `docker login` writes without a helper), then
`credsStore`. A registry that answers with a bearer-token challenge gets a
token for pull access to the repository, fetched with those credentials (or
none). Secrets only ever go into the `auth` argument of downloads, or into
the environment of plain-HTTP requests (plain_http.bzl); they are never
printed.
"""

load("//rules/private:repositories/plain_http.bzl", "plain_http")

# Token services of well-known registries, used when the challenge cannot be
# read (without curl): rctx.download does not show response headers.
_KNOWN_TOKEN_REALMS = {
    "registry-1.docker.io": ("https://auth.docker.io/token", "registry.docker.io"),
    "ghcr.io": ("https://ghcr.io/token", "ghcr.io"),
    "gcr.io": ("https://gcr.io/v2/token", "gcr.io"),
    "quay.io": ("https://quay.io/v2/auth", "quay.io"),
    "public.ecr.aws": ("https://public.ecr.aws/token/", "public.ecr.aws"),
    "registry.gitlab.com": ("https://gitlab.com/jwt/auth", "container_registry"),
}

def _docker_config(rctx):
    config_dir = rctx.getenv("DOCKER_CONFIG") or ""
    if not config_dir:
        home = rctx.getenv("HOME") or ""
        if not home:
            return {}
        config_dir = home + "/.docker"
    path = rctx.path(config_dir + "/config.json")
    if not path.exists:
        return {}
    return json.decode(rctx.read(path))

def _config_keys(registry):
    if registry == "index.docker.io":
        return ["https://index.docker.io/v1/", "index.docker.io", "docker.io"]
    return [registry, "https://" + registry, "http://" + registry]

def _from_helper(rctx, helper, registry):
    program = rctx.which("docker-credential-" + helper)
    if not program:
        fail("docker config.json names credential helper {} for {}, but docker-credential-{} is not on PATH; install it or run docker login again".format(
            repr(helper),
            registry,
            helper,
        ))
    server = "https://index.docker.io/v1/" if registry == "index.docker.io" else registry

    # The helper reads the server from stdin, which rctx.execute cannot feed directly.
    result = rctx.execute(["/bin/sh", "-c", 'printf %s "$1" | "$2" get', "sh", server, str(program)], quiet = True)
    if result.return_code != 0:
        # Helpers answer "credentials not found" for registries they do not know.
        return None
    creds = json.decode(result.stdout)
    if creds.get("Username", "") == "<token>":
        _refuse_identity_token(registry)
    return struct(kind = "basic", login = creds.get("Username", ""), password = creds.get("Secret", ""))

def _refuse_identity_token(registry):
    # An identity token is an OAuth2 refresh token, exchanged by a POST that
    # repository rules cannot send.
    fail("the docker credentials for {} are an identity token, which goimage.pull cannot use; log in with a user name and a password or access token (docker login -u ...)".format(registry))

def credentials(rctx, registry):
    """Finds credentials for a registry, as docker would.

    Args:
      rctx: the repository context.
      registry: the registry host, such as "index.docker.io" or "127.0.0.1:5000".

    Returns:
      struct(kind = "basic" | "basic64", ...) or None for anonymous.
    """
    config = _docker_config(rctx)
    for key in _config_keys(registry):
        helper = config.get("credHelpers", {}).get(key)
        if helper:
            return _from_helper(rctx, helper, registry)
    for key in _config_keys(registry):
        entry = config.get("auths", {}).get(key, {})
        if entry.get("auth"):
            # "auth" is base64 of user:password, exactly what a Basic header carries.
            return struct(kind = "basic64", value = entry["auth"])
        if entry.get("identitytoken"):
            _refuse_identity_token(registry)
    if config.get("credsStore"):
        return _from_helper(rctx, config["credsStore"], registry)
    return None

def _auth_entry(creds):
    if creds.kind == "basic":
        return {"type": "basic", "login": creds.login, "password": creds.password}
    if creds.kind == "basic64":
        return {"type": "pattern", "pattern": "Basic <password>", "password": creds.value}
    return {"type": "pattern", "pattern": "Bearer <password>", "password": creds.token}

def _challenge(rctx, ref):
    """Reads the registry's WWW-Authenticate bearer challenge: (realm, service) or None.

    Registries on localhost are asked over plain HTTP; the rest with curl, when there is one.
    """
    if ref.scheme == "http":
        value = plain_http(rctx, "GET", "http://{}/v2/".format(ref.api_host)).headers.get("www-authenticate", "")
        return _bearer_challenge(value)
    curl = rctx.which("curl")
    if not curl:
        return None
    result = rctx.execute([curl, "-sS", "-o", "/dev/null", "-D", "-", "--max-time", "30", "https://{}/v2/".format(ref.api_host)], quiet = True)
    for line in result.stdout.splitlines():
        name, _, value = line.partition(":")
        if name.strip().lower() == "www-authenticate":
            return _bearer_challenge(value.strip())
    return None

def _bearer_challenge(value):
    if not value.lower().startswith("bearer "):
        return None
    return _parse_challenge(value[len("bearer "):])

def _parse_challenge(params):
    fields = {}
    for part in params.split(","):
        key, _, value = part.partition("=")
        fields[key.strip().lower()] = value.strip().strip('"')
    if not fields.get("realm"):
        return None
    return (fields["realm"], fields.get("service", ""))

def _token(rctx, ref, creds, challenge):
    realm, service = challenge
    url = "{}?service={}&scope=repository:{}:pull".format(realm, service, ref.repository)
    if url.startswith("http://"):
        answer = plain_http(rctx, "GET", url, env = _auth_env(creds) if creds else {})
        if answer.status != 200:
            return None
        answer = json.decode(answer.body)
    else:
        out = "tmp/token.json"
        result = rctx.download(url, output = out, auth = {url: _auth_entry(creds)} if creds else {}, allow_fail = True)
        if not result.success:
            return None
        answer = json.decode(rctx.read(out))
        rctx.delete(out)
    token = answer.get("token") or answer.get("access_token")
    return struct(kind = "bearer", token = token) if token else None

def registry_auth(rctx, ref):
    """Returns how to authenticate the downloads from a registry.

    Args:
      rctx: the repository context.
      ref: a parsed reference (reference.bzl).

    Returns:
      struct(urls, env): urls is a function from a list of URLs to the
      `auth` dict of rctx.download; env holds the same credentials as
      environment variables for a command (GOIMAGE_AUTHORIZATION, or
      GOIMAGE_USER and GOIMAGE_PASSWORD), never as its arguments.
    """
    creds = credentials(rctx, ref.registry)
    challenge = _challenge(rctx, ref) or _KNOWN_TOKEN_REALMS.get(ref.api_host)
    if not challenge and ref.api_host.endswith("-docker.pkg.dev"):
        challenge = ("https://{}/v2/token".format(ref.api_host), ref.api_host)
    if challenge:
        creds = _token(rctx, ref, creds, challenge) or creds
    if not creds:
        return struct(urls = lambda urls: {}, env = {})
    entry = _auth_entry(creds)
    return struct(urls = lambda urls: {u: entry for u in urls}, env = _auth_env(creds))

def _auth_env(creds):
    if creds.kind == "basic":
        return {"GOIMAGE_USER": creds.login, "GOIMAGE_PASSWORD": creds.password}
    if creds.kind == "basic64":
        return {"GOIMAGE_AUTHORIZATION": "Basic " + creds.value}
    return {"GOIMAGE_AUTHORIZATION": "Bearer " + creds.token}
