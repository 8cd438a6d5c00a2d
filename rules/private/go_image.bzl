"""The go_image rule: a Go binary on a base image, as an OCI image."""

load(":providers.bzl", "GoImageInfo")
load(":toolchain.bzl", "ASSEMBLER_TOOLCHAIN_TYPE")
load(":transitions.bzl", "image_platform_transition")

def _default_repo_tag(label):
    """bazel/<package>:<name>, the name `docker load` gives an untagged go_image."""
    repository = "bazel/" + label.package if label.package else "bazel/" + label.name
    return "{}:{}".format(repository.lower(), label.name)

def _base_args(ctx, args):
    """Adds --base to args and returns the base's files, which the action reads."""
    if not ctx.attr.base:
        args.add("--base", "scratch")
        return []
    layout = ctx.attr.base[GoImageInfo].layout
    args.add("--base", layout.path)
    return [layout]

def _go_image_impl(ctx):
    assembler = ctx.toolchains[ASSEMBLER_TOOLCHAIN_TYPE].assembler_info.assembler
    binary = ctx.attr.binary[0][DefaultInfo].files_to_run.executable
    tarball = ctx.actions.declare_file(ctx.label.name + ".tar")
    layout = ctx.actions.declare_directory(ctx.label.name + "_layout")
    digest = ctx.actions.declare_file(ctx.label.name + ".digest")

    args = ctx.actions.args()
    args.add("build")
    base_inputs = _base_args(ctx, args)
    args.add("--binary", binary)
    args.add("--binary-path", ctx.attr.binary_path or "/app/" + binary.basename)
    args.add("--platform", ctx.attr.platform)
    args.add_all(ctx.attr.entrypoint, before_each = "--entrypoint")
    args.add_all(["{}={}".format(k, v) for k, v in sorted(ctx.attr.env.items())], before_each = "--env")
    args.add_all(ctx.attr.repo_tags or [_default_repo_tag(ctx.label)], before_each = "--tag")
    args.add("--output", tarball)
    args.add("--layout", layout.path)
    args.add("--digest-file", digest)
    args.add("--quiet")

    ctx.actions.run(
        executable = assembler,
        arguments = [args],
        inputs = depset([binary] + base_inputs),
        outputs = [tarball, layout, digest],
        mnemonic = "GoImage",
        progress_message = "Assembling image %{label}",
        toolchain = ASSEMBLER_TOOLCHAIN_TYPE,
    )
    return [
        DefaultInfo(files = depset([tarball])),
        OutputGroupInfo(layout = depset([layout]), digest = depset([digest])),
        GoImageInfo(layout = layout, tarball = tarball, digest = digest),
    ]

go_image = rule(
    implementation = _go_image_impl,
    doc = """Puts a Go binary onto a base image and writes it as an OCI image.

The default output, `NAME.tar`, is one tarball that is both an OCI image layout
and a Docker archive: `docker load`, `podman load`, `skopeo copy oci-archive:`
and `crane` all read it. The output group `layout` holds the same image as an
OCI layout directory, and `digest` a file with its manifest digest.

The binary is always built for the image's platform (pure Go), whatever the
host is, so a macOS or arm64 workstation builds a correct linux/amd64 image.""",
    attrs = {
        "binary": attr.label(
            doc = "The go_binary to put into the image.",
            mandatory = True,
            executable = True,
            cfg = image_platform_transition,
        ),
        "base": attr.label(
            doc = "The base image (a go_image or a base from the `goimage` module extension). Default: an empty image.",
            providers = [GoImageInfo],
        ),
        "platform": attr.string(
            doc = "The image's platform, os/arch.",
            default = "linux/amd64",
        ),
        "binary_path": attr.string(
            doc = "Where the binary goes in the image. Default: /app/<binary name>.",
        ),
        "entrypoint": attr.string_list(
            doc = "The image's entrypoint. Default: the binary.",
        ),
        "env": attr.string_dict(
            doc = "Environment variables, set over the base's.",
        ),
        "repo_tags": attr.string_list(
            doc = "Names the image gets in the tarball, as `docker load` shows them. Default: `bazel/<package>:<name>`.",
        ),
        "_allowlist_function_transition": attr.label(
            default = "@bazel_tools//tools/allowlists/function_transition_allowlist",
        ),
    },
    toolchains = [ASSEMBLER_TOOLCHAIN_TYPE],
)
