"""Makes an image built by another rule set a go_image base: an aspect on `base`."""

load("//rules/private:actions/image_file.bzl", "image_info")
load("//rules/private:actions/import.bzl", "emit_import")
load("//rules/private:aspects/base_output.bzl", "image_output")
load("//rules/private:providers/go_image_info.bzl", "GoImageInfo")
load("//rules/private:rules/toolchain.bzl", "ASSEMBLER_TOOLCHAIN_TYPE", "find_assembler")

def import_image(ctx, *, assembler, target, name):
    """GoImageInfo of the image a target outputs, imported by an action.

    Args:
      ctx: the rule or aspect context.
      assembler: the assembler's FilesToRunProvider.
      target: the Target whose one output is an OCI layout directory or an
        image tarball, or whose outputs hold one such (see image_output).
      name: the name of the outputs, relative to the package.

    Returns:
      GoImageInfo of the imported image, a complete layout.
    """
    layout = ctx.actions.declare_directory(name + "/layout")
    digest = ctx.actions.declare_file(name + "/digest")
    emit_import(ctx, assembler = assembler, source = image_output(target), layout = layout, digest = digest)
    return image_info(
        ctx,
        name = name + "/image.json",
        layout = layout,
        # The layout holds its blobs: the assembler reads them from the folder.
        blobs = [layout],
        tarball = None,
        digest = digest,
        label = target.label,
        # Known when the import runs, not before.
        platforms = [],
        base_repository = "",
    )

def _base_import_aspect_impl(target, ctx):
    if GoImageInfo in target:
        return []
    return [import_image(
        ctx,
        assembler = find_assembler(ctx),
        target = target,
        name = "_goimage_base/" + target.label.name,
    )]

# On a rule's output, the import runs once, however many go_images take it
# as their base; a source file (a checked-in tarball) has no aspect, and each
# go_image imports it itself.
base_import_aspect = aspect(
    implementation = _base_import_aspect_impl,
    doc = "Imports the image a base target outputs when it is not a rules_goimage image.",
    toolchains = [ASSEMBLER_TOOLCHAIN_TYPE],
)
