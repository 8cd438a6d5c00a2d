"""image_load and image_run: runnable targets that load a go_image into docker or podman, and run it."""

load("//rules/private:actions/runner.bzl", "write_runner")
load("//rules/private:actions/stamp.bzl", "STAMP_ATTRS", "should_stamp", "values_file")
load("//rules/private:providers/go_image_info.bzl", "GoImageInfo")
load("//rules/private:rules/image.bzl", "default_repo_tag")
load("//rules/private:rules/toolchain.bzl", "ASSEMBLER_TOOLCHAIN_TYPE", "assembler_runfiles", "find_assembler")

def _runner_impl(ctx, *, verb, separator, description):
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
        verb = verb,
        args = args + separator,
        description = description.format(ctx.attr.image.label, ctx.attr.engine or "docker"),
    )
    runfiles = ctx.runfiles(files = [tags], transitive_files = image.files).merge(assembler_runfiles(ctx))
    return [DefaultInfo(executable = script, files = depset([script]), runfiles = runfiles)]

def _image_load_impl(ctx):
    return _runner_impl(ctx, verb = "load", separator = [], description = "Loads {} into {}.")

def _image_run_impl(ctx):
    # The user's words go to the engine's run, not to the assembler's flags.
    return _runner_impl(ctx, verb = "run", separator = ["--"], description = "Loads {} into {} and runs it.")

_ATTRS = dict({
    "image": attr.label(
        doc = "The image: a `go_image`.",
        mandatory = True,
        providers = [GoImageInfo],
    ),
    "repo_tags": attr.string_list(
        doc = "Names to load the image as, such as `[\"example.com/app:dev\"]`. Default: `bazel/<package>:<image name>`. May use workspace status placeholders, see `stamp`.",
    ),
    "engine": attr.string(
        doc = "The container engine: `docker` (the default) or `podman`, or the path of either.",
    ),
}, **STAMP_ATTRS)

image_load = rule(
    implementation = _image_load_impl,
    doc = """Loads an image into the local docker or podman: `bazel run //app:image.load`.

The `go_image` macro creates one as `NAME.load`. Into Docker with the
containerd image store (Docker 25+), whose containerd socket `docker info`
names, only the blobs its content store lacks are written, through
containerd's API: after an edit, the program's layer, the config and the
manifest. Other engines (classic Docker, a remote Docker, podman) get the
image streamed into `docker load` (or `podman load`) without a temporary
tarball. Of a multi-platform image, the engine's own platform is loaded;
Docker with the containerd image store gets the whole index, and keeps the
digest that was built as the image's ID.

Arguments after `--` override the target's: `--tag` (repeated; replaces
`repo_tags`), `--engine docker|podman`, `--platform linux/arm64`, and
`--containerd ADDRESS --namespace NS` to load into a containerd directly
(nerdctl's, `k8s.io` of a kind node's).""",
    attrs = _ATTRS,
    executable = True,
    toolchains = [ASSEMBLER_TOOLCHAIN_TYPE],
)

image_run = rule(
    implementation = _image_run_impl,
    doc = """Loads an image into the local docker or podman and runs it: `bazel run //app:image.run`.

The `go_image` macro creates one as `NAME.run`: an edit to a running container
is one command. The image is loaded as `image_load` loads it, then run with
`docker run --rm` (or podman's) under its first name. The words after `--` are
options of the engine's run; after a second `--`, the arguments of the image's
entrypoint, in place of its cmd:

    bazel run //app:image.run -- -p 8080:8080 -e MODE=dev -- --verbose

The container's exit code is the target's.""",
    attrs = _ATTRS,
    executable = True,
    toolchains = [ASSEMBLER_TOOLCHAIN_TYPE],
)
