"""image_load: a runnable target that loads a go_image into docker or podman."""

load("//rules/private:actions/runner.bzl", "write_runner")
load("//rules/private:actions/stamp.bzl", "STAMP_ATTRS", "should_stamp", "values_file")
load("//rules/private:providers/go_image_info.bzl", "GoImageInfo")
load("//rules/private:rules/image.bzl", "default_repo_tag")
load("//rules/private:rules/toolchain.bzl", "ASSEMBLER_TOOLCHAIN_TYPE", "assembler_runfiles", "find_assembler")

def _image_load_impl(ctx):
    assembler = find_assembler(ctx)
    image = ctx.attr.image[GoImageInfo]
    tags = values_file(
        ctx,
        assembler = assembler,
        name = ctx.label.name + ".tags",
        values = ctx.attr.repo_tags or [default_repo_tag(ctx.attr.image.label)],
        stamp = should_stamp(ctx),
    )
    args = ["--image", image.image, "--tags-file", tags]
    if ctx.attr.engine:
        args += ["--engine", ctx.attr.engine]
    script = write_runner(
        ctx,
        assembler = assembler,
        verb = "load",
        args = args,
        description = "Loads {} into {}.".format(ctx.attr.image.label, ctx.attr.engine or "docker"),
    )
    runfiles = ctx.runfiles(files = [tags], transitive_files = image.files).merge(assembler_runfiles(ctx))
    return [DefaultInfo(executable = script, files = depset([script]), runfiles = runfiles)]

image_load = rule(
    implementation = _image_load_impl,
    doc = """Loads an image into the local docker or podman: `bazel run //app:image.load`.

The `go_image` macro creates one as `NAME.load`. The image is streamed into
`docker load` (or `podman load`) without a temporary tarball. Of a
multi-platform image, the engine's own platform is loaded; Docker with the
containerd image store (Docker 25+) gets the whole index, and keeps the
digest that was built as the image's ID.

Arguments after `--` override the target's: `--tag` (repeated; replaces
`repo_tags`), `--engine docker|podman`, `--platform linux/arm64`.""",
    attrs = dict({
        "image": attr.label(
            doc = "The image to load: a `go_image`.",
            mandatory = True,
            providers = [GoImageInfo],
        ),
        "repo_tags": attr.string_list(
            doc = "Names to load the image as, such as `[\"example.com/app:dev\"]`. Default: `bazel/<package>:<image name>`. May use workspace status placeholders, see `stamp`.",
        ),
        "engine": attr.string(
            doc = "The container engine: `docker` (the default) or `podman`, or the path of either.",
        ),
    }, **STAMP_ATTRS),
    executable = True,
    toolchains = [ASSEMBLER_TOOLCHAIN_TYPE],
)
