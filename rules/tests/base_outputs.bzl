"""Bases whose targets have several default outputs, in the shapes other rule sets give."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load("@bazel_skylib//rules:build_test.bzl", "build_test")

def _layout_attrs(doc):
    return {"layout": attr.label(allow_single_file = True, mandatory = True, doc = doc)}

def _copy_blobs(ctx, layout, manifest, config, digest):
    """Writes the manifest and config blobs of the one image in layout, and its digest."""
    ctx.actions.run_shell(
        inputs = [layout],
        outputs = [manifest, config, digest],
        command = """set -eu
m=$(sed 's/.*"digest":"sha256:\\([0-9a-f]\\{64\\}\\)".*/\\1/' "$1/index.json")
cp "$1/blobs/sha256/$m" "$2"
c=$(sed 's/.*"config":{[^}]*"digest":"sha256:\\([0-9a-f]\\{64\\}\\)".*/\\1/' "$2")
cp "$1/blobs/sha256/$c" "$3"
printf 'sha256:%s' "$m" > "$4"
""",
        arguments = [layout.path, manifest.path, config.path, digest.path],
        mnemonic = "CopyManifestAndConfig",
    )

def _rules_img_manifest_shape_impl(ctx):
    layout = ctx.file.layout
    manifest = ctx.actions.declare_file(ctx.label.name + "_manifest.json")
    config = ctx.actions.declare_file(ctx.label.name + "_config.json")
    digest = ctx.actions.declare_file(ctx.label.name + "_digest")
    _copy_blobs(ctx, layout, manifest, config, digest)
    return [
        DefaultInfo(files = depset([manifest, config])),
        OutputGroupInfo(digest = depset([digest]), oci_layout = depset([layout])),
    ]

# Reproduces the output shape of rules_img's image_manifest (img/private/manifest.bzl
# in bazel-contrib/rules_img): its default outputs are NAME_manifest.json and
# NAME_config.json, the image's manifest and config; the complete OCI layout
# directory is only in the output group oci_layout (rules_img also gives
# oci_tarball and descriptor groups, left out here), the digest in digest. Neither
# default output is an image, so a base must pick the oci_layout group.
rules_img_manifest_shape = rule(
    implementation = _rules_img_manifest_shape_impl,
    doc = "The outputs of a rules_img image_manifest, from the image in `layout`.",
    attrs = _layout_attrs("A complete OCI layout directory of one image (a go_image's NAME.layout)."),
)

def _layout_and_metadata_impl(ctx):
    layout = ctx.file.layout
    manifest = ctx.actions.declare_file(ctx.label.name + "_manifest.json")
    config = ctx.actions.declare_file(ctx.label.name + "_config.json")
    digest = ctx.actions.declare_file(ctx.label.name + "_digest")
    _copy_blobs(ctx, layout, manifest, config, digest)
    return [DefaultInfo(files = depset([layout, manifest]))]

# Several default outputs of which one is an image: the OCI layout directory, with
# its image's manifest JSON beside it.
layout_and_metadata = rule(
    implementation = _layout_and_metadata_impl,
    doc = "Gives the layout directory and its image's manifest as default outputs.",
    attrs = _layout_attrs("A complete OCI layout directory of one image (a go_image's NAME.layout)."),
)

def _on_rules_img_shape_test_impl(ctx):
    env = analysistest.begin(ctx)
    asserts.expect_failure(env, "rules_img_shaped_manifest.json")
    asserts.expect_failure(env, "rules_img_shaped_config.json")
    asserts.expect_failure(env, "and none of them may be an image")
    asserts.expect_failure(env, "filegroup(name = \"rules_img_shaped_image\", srcs = [\"//rules/tests:rules_img_shaped\"], output_group = \"oci_layout\")")
    return analysistest.end(env)

_on_rules_img_shape_test = analysistest.make(_on_rules_img_shape_test_impl, expect_failure = True)

def base_outputs_test_suite(name, on_rules_img_shape, builds):
    """Tests of bases with several default outputs.

    Args:
      name: the test_suite's name.
      on_rules_img_shape: a go_image on a rules_img_manifest_shape, which fails.
      builds: go_images on bases with several outputs, which build.
    """
    _on_rules_img_shape_test(name = name + "_rules_img_shape", target_under_test = on_rules_img_shape, size = "small")
    build_test(name = name + "_build", targets = builds, size = "small")
    native.test_suite(name = name, tests = [name + "_rules_img_shape", name + "_build"])
