"""Emits the action that writes an image's manifest and config: `assembler build --thin-layout`."""

load("//rules/private:actions/params.bzl", "params_file_arg")
load("//rules/private:actions/provenance.bzl", "provenance_args")
load("//rules/private:checks_table.bzl", "BASE_FILE_CHECKS")

def _descriptor_path(layer):
    return layer.descriptor.path

def _reads_base_files(checks):
    """Whether a check at these levels reads the files of the image's base."""
    return any([checks.get(c, "") != "off" for c in BASE_FILE_CHECKS])

def emit_image(ctx, *, assembler, base, platform, layers, config, checks, config_values, layout, digest = None, modules = None, sbom = None, provenance = None):
    """Stacks prebuilt layers onto a base and writes the image's thin layout.

    The action reads the base's manifest and config and the layers'
    descriptors, and writes a manifest and a config: its cost does not
    depend on the size of the base or of the layers, whose blobs it never
    reads. The image's blobs stay where they are (GoImageInfo).

    Args:
      ctx: the rule context.
      assembler: the assembler's FilesToRunProvider.
      base: GoImageInfo of the base image, or None for scratch.
      platform: the image's platform, "os/arch[/variant]"; picks the base's manifest.
      layers: list of GoImageLayerInfo, bottom first.
      config: the File of the image's config, from write_config.
      checks: dict of the level of each check of the image, by its name.
      config_values: File with further flags one a line (labels, annotations,
        tags), which may have been stamped; passed as @file.
      layout: the directory to write the thin OCI layout to.
      digest: the File to write the manifest digest to, or None.
      modules: struct(binary, packages, go_mod): the Go binary that the SBOM
        and the provenance describe, the file listing its packages (with the
        package URLs of their repositories), and the go.mod of its module or
        None; needed by both, else None.
      sbom: the File to write an SPDX SBOM of the binary to, attached to the
        image; or None.
      provenance: the struct of declare_provenance: write an in-toto SLSA
        provenance statement of the image, attached to it; or None.
    """
    args = ctx.actions.args()
    args.use_param_file("@%s", use_always = False)
    args.set_param_file_format("multiline")
    args.add("build")
    inputs = [config, config_values]
    transitive = []
    if base:
        args.add("--base", base.image)
        transitive.append(base.layout_files)
        if _reads_base_files(checks):
            args.add_all(base.layer_indexes, before_each = "--base-layer-index")
            transitive.append(base.layer_indexes)
    else:
        args.add("--base", "scratch")
    args.add("--platform", platform)
    args.add_all(layers, map_each = _descriptor_path, before_each = "--layer")
    inputs += [layer.descriptor for layer in layers]
    args.add("--config", config)
    args.add_all(["{}={}".format(k, v) for k, v in sorted(checks.items())], before_each = "--check")
    outputs = [layout]
    args.add("--thin-layout", layout.path)
    if digest:
        args.add("--digest-file", digest)
        outputs.append(digest)
    if modules:
        args.add("--sbom-binary", modules.binary)
        args.add("--sbom-packages", modules.packages)
        inputs += [modules.binary, modules.packages]
        if modules.go_mod:
            args.add("--sbom-go-mod", modules.go_mod)
            inputs.append(modules.go_mod)
    if sbom:
        args.add("--sbom", sbom)
        outputs.append(sbom)
    if provenance:
        files = provenance_args(args, provenance)
        inputs += files.inputs
        outputs += files.outputs
    args.add("--follow-symlinks")
    args.add("--quiet")
    ctx.actions.run(
        executable = assembler,
        # Its own argument list, so that it stays a top-level @file when args
        # spill into a params file.
        arguments = [args, params_file_arg(ctx, config_values)],
        inputs = depset(inputs, transitive = transitive),
        outputs = outputs,
        mnemonic = "GoImageManifest",
        progress_message = "Writing image %{label} for " + platform,
    )
