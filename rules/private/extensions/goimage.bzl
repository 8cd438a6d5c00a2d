"""The goimage module extension: base images, pulled from a registry or taken from the workspace."""

load("//rules/private:checks_table.bzl", "BASE_FILE_CHECKS")
load("//rules/private:repositories/local.bzl", "goimage_local")
load("//rules/private:repositories/pull.bzl", "goimage_pull")

_pull = tag_class(
    doc = """A base image fetched from a registry, pinned by digest.

```starlark
goimage.pull(
    name = "distroless_static",
    image = "gcr.io/distroless/static-debian12",
    digest = "sha256:...",
    platforms = ["linux/amd64", "linux/arm64"],
)
```

The repository `@<name>` has the target `:image`, for `go_image(base = ...)`.
The assembler fetches it by digest, each blob's sha256 checked as it
arrives and each layer's diff_id too; transient registry failures are
retried. What is fetched, and when, is up to `layers`:

* `"lazy"` (the default): the repository holds the manifests and configs
  only. A layer is read from the registry by what needs its bytes, and
  never kept in the repository: the checks of the images built on the base
  index each layer's files once, in an action whose output Bazel caches
  (disk and remote caches share it); a `.push` to the same registry mounts
  the base's layers, and to another registry streams them from one to the
  other; a `.load`, `.tar` or `.layout` reads them from the registry. A
  thin `bazel build` whose images turn off every check that reads the
  base's files (""" + ", ".join(["`{}`".format(c) for c in BASE_FILE_CHECKS]) + """)
  fetches no layer at all. Those actions and
  commands need the registry where they run; for a registry that wants
  credentials, `build --action_env=DOCKER_CONFIG` in `.bazelrc` gives the
  actions docker's config.json.
* `"eager"`: every layer is fetched with the repository, checked and
  indexed once, as `goimage.local` bases are: builds and commands then need
  no registry, such as an air-gapped CI after `bazel fetch`.

A reference without a digest is refused; when the registry
answers, the message shows the current digest to pin. Credentials come from
docker's config.json (`$DOCKER_CONFIG`, else `~/.docker/config.json`):
`auths` entries and credential helpers (`credHelpers`, `credsStore`,
`docker-credential-*` on PATH); without any, the pull is anonymous. A
registry that asks for a bearer token (Docker Hub, GHCR, GCR, a registry
with a token service) gets one, in exchange for those credentials or
anonymously. Registries on localhost are reached over plain HTTP.""",
    attrs = {
        "name": attr.string(doc = "The repository's name.", mandatory = True),
        "image": attr.string(
            doc = "The image, such as `\"gcr.io/distroless/static-debian12\"`; it may carry the digest itself (`...@sha256:...`).",
            mandatory = True,
        ),
        "digest": attr.string(doc = "The digest of the image or image index, `sha256:...`."),
        "platforms": attr.string_list(
            doc = "The platforms to fetch from an image index, such as `[\"linux/amd64\", \"linux/arm64\"]`. Default: every platform the index lists.",
        ),
        "layers": attr.string(
            doc = "When the layers are fetched: `\"lazy\"` (where something reads them) or `\"eager\"` (with the repository). See above.",
            default = "lazy",
            values = ["lazy", "eager"],
        ),
    },
)

_local = tag_class(
    doc = """A base image from the workspace: an OCI layout directory or an image archive.

```starlark
goimage.local(
    name = "company_base",
    path = "images/company_base.tar",
)
```

This is the custom base a team builds itself (`docker build`, then
`docker save -o images/company_base.tar company/base`). The assembler reads
it: `docker save` tarballs of every Docker version, also those of Docker 25+
with the containerd image store and `ctr image export`, which list platforms
they never pulled (such images are left out, or named in an error when
`platforms` asks for them, with how to get them); OCI layouts and archives
written by skopeo, umoci or other rule sets; go-containerregistry tarballs
(`crane pull --format=tarball`, `crane append -o`, `ko build --tarball`);
any of them gzip- or zstd-compressed. Every blob is checked against its
digest and every layer against its diff_id; a missing or corrupted one is
an error that names it. The repository `@<name>` has the target `:image` and
is fetched again when the directory or archive changes.""",
    attrs = {
        "name": attr.string(doc = "The repository's name.", mandatory = True),
        "path": attr.string(
            doc = "The OCI layout directory or the image archive (plain, gzip or zstd), relative to the root module's directory, or absolute.",
            mandatory = True,
        ),
        "platforms": attr.string_list(
            doc = "The platforms to take from a multi-platform base; each must be complete. Default: every complete image.",
        ),
    },
)

# The assembler, built for the host by the goimage_tools extension.
_ASSEMBLER = Label("@goimage_tools//:bin/assembler")

def _goimage_impl(module_ctx):
    seen = {}
    for mod in module_ctx.modules:
        for tag in mod.tags.pull:
            _claim(seen, tag.name, mod)
            goimage_pull(name = tag.name, image = tag.image, digest = tag.digest, platforms = tag.platforms, layers = tag.layers, assembler = _ASSEMBLER)
        for tag in mod.tags.local:
            _claim(seen, tag.name, mod)
            goimage_local(name = tag.name, path = tag.path, platforms = tag.platforms, assembler = _ASSEMBLER)

def _claim(seen, name, mod):
    if name in seen:
        fail("goimage: two base images are named {} (in modules {} and {}); give each its own name".format(repr(name), seen[name], mod.name))
    seen[name] = mod.name

goimage = module_extension(
    implementation = _goimage_impl,
    doc = "Base images for `go_image`: `goimage.pull` from a registry by digest, `goimage.local` from the workspace.",
    tag_classes = {
        "pull": _pull,
        "local": _local,
    },
)
