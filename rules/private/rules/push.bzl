"""image_push: a runnable target that pushes a go_image to a registry."""

load("//rules/private:actions/runner.bzl", "write_runner")
load("//rules/private:actions/stamp.bzl", "STAMP_ATTRS", "should_stamp", "values_file")
load("//rules/private:providers/go_image_info.bzl", "GoImageInfo")
load("//rules/private:rules/toolchain.bzl", "ASSEMBLER_TOOLCHAIN_TYPE", "assembler_runfiles", "find_assembler")

def _image_push_impl(ctx):
    assembler = find_assembler(ctx)
    image = ctx.attr.image[GoImageInfo]
    tags = values_file(
        ctx,
        assembler = assembler,
        name = ctx.label.name + ".tags",
        values = ctx.attr.remote_tags,
        stamp = should_stamp(ctx),
    )
    args = ["--image", image.image, "--tags-file", tags]
    runfiles = [tags]
    if ctx.attr.repository:
        repository = values_file(
            ctx,
            assembler = assembler,
            name = ctx.label.name + ".repository",
            values = [ctx.attr.repository],
            stamp = should_stamp(ctx),
        )
        args += ["--repository-file", repository]
        runfiles.append(repository)
    if image.base_repository:
        args += ["--mount-from", image.base_repository]
    script = write_runner(
        ctx,
        assembler = assembler,
        verb = "push",
        args = args,
        description = "Pushes {} to {}.".format(ctx.attr.image.label, ctx.attr.repository or "the repository given with --repository"),
    )
    return [DefaultInfo(
        executable = script,
        files = depset([script]),
        runfiles = ctx.runfiles(files = runfiles, transitive_files = image.files).merge(assembler_runfiles(ctx)),
    )]

image_push = rule(
    implementation = _image_push_impl,
    doc = """Pushes an image to a registry: `bazel run //app:image.push`.

The `go_image` macro creates one as `NAME.push`. Running it uploads only the
blobs the registry lacks, mounts the base's blobs when the base came from the
same registry, and streams the layers of a base pulled with
`layers = "lazy"` from its registry to the destination otherwise (nothing of
them on disk: its runfiles hold the image's own blobs and the base's
manifests and configs only), retries transient failures, shows progress on long uploads and
prints the pushed reference, `registry/repo@sha256:...`. The SBOMs of an image
built with `sbom = True` are pushed after it, as OCI 1.1 referrers (under the
fallback tag `sha256-<hex>` on registries without the referrers API).

Arguments after `--` override the target's: `--repository`, `--tag` (repeated;
replaces `remote_tags`). `--sign-key cosign.key` (cosign's encrypted key, the
password from `$COSIGN_PASSWORD` or `--sign-key-password-file`, or a PEM key) or
`--signer-command CMD` sign what is pushed as cosign does: the image, each
platform image of an index, and its SBOM and provenance as attestations, so
that `cosign verify` and `cosign verify-attestation` accept them (see
docs/release.md). Keys are read when the push runs, never by a build action.
Credentials come from docker's config.json (`$DOCKER_CONFIG`) and its
credential helpers, as `docker login` left them.""",
    attrs = dict({
        "image": attr.label(
            doc = "The image to push: a `go_image`.",
            mandatory = True,
            providers = [GoImageInfo],
        ),
        "repository": attr.string(
            doc = "The repository to push to, such as `\"registry.example.com/team/app\"`. May use workspace status placeholders, such as `\"registry.example.com/{STABLE_TEAM}/app\"`, see `stamp`.",
        ),
        "remote_tags": attr.string_list(
            doc = "Tags to push, such as `[\"v1.2.3\", \"latest\"]`; none pushes by digest only. May use workspace status placeholders, see `stamp`.",
        ),
    }, **STAMP_ATTRS),
    executable = True,
    toolchains = [ASSEMBLER_TOOLCHAIN_TYPE],
)
