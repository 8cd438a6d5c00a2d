"""Emits the action that writes an image's manifest and config: `assembler build --layer`."""

load("//rules/private:actions/params.bzl", "params_file_arg")

def _descriptor_path(layer):
    return layer.descriptor.path

def emit_image(ctx, *, assembler, base, platform, layers, config, config_values, layout, tarball = None, digest = None, sbom = None):
    """Stacks prebuilt layers onto a base and writes the image.

    Layers arrive compressed and are appended as they are; the base's blobs are
    copied, never recompressed. So this action costs little more than hashing
    the config and manifest.

    Args:
      ctx: the rule context.
      assembler: the assembler's FilesToRunProvider.
      base: GoImageInfo of the base image, or None for scratch.
      platform: the image's platform, "os/arch[/variant]"; picks the base's manifest.
      layers: list of GoImageLayerInfo, bottom first.
      config: struct of entrypoint, cmd, env, workdir, user, exposed_ports.
      config_values: File with further flags one a line (labels, annotations,
        tags), which may have been stamped; passed as @file.
      layout: the directory to write the OCI layout to.
      tarball: the File to write the OCI + Docker tarball to, or None.
      digest: the File to write the manifest digest to, or None.
      sbom: struct(output, binary, go_mod, packages): write an SPDX SBOM of
        the Go binary to the File output, with its modules from the go.mod
        and the file listing its packages, and attach it to the image; or None.
    """
    args = ctx.actions.args()
    args.use_param_file("@%s", use_always = False)
    args.set_param_file_format("multiline")
    args.add("build")
    inputs = [config_values]
    if base:
        args.add("--base", base.layout.path)
        inputs.append(base.layout)
    else:
        args.add("--base", "scratch")
    args.add("--platform", platform)
    args.add_all(layers, map_each = _descriptor_path, before_each = "--layer")
    for layer in layers:
        inputs += [layer.blob, layer.descriptor]
    args.add_all(config.entrypoint, before_each = "--entrypoint")
    args.add_all(config.cmd, before_each = "--cmd")
    args.add_all(["{}={}".format(k, v) for k, v in sorted(config.env.items())], before_each = "--env")
    if config.workdir:
        args.add("--workdir", config.workdir)
    if config.user:
        args.add("--user", config.user)
    args.add_all(config.exposed_ports, before_each = "--expose")
    outputs = [layout]
    args.add("--layout", layout.path)
    if tarball:
        args.add("--output", tarball)
        outputs.append(tarball)
    if digest:
        args.add("--digest-file", digest)
        outputs.append(digest)
    if sbom:
        args.add("--sbom", sbom.output)
        args.add("--sbom-binary", sbom.binary)
        args.add("--sbom-go-mod", sbom.go_mod)
        args.add("--sbom-packages", sbom.packages)
        inputs += [sbom.binary, sbom.go_mod, sbom.packages]
        outputs.append(sbom.output)
    args.add("--quiet")
    ctx.actions.run(
        executable = assembler,
        # Its own argument list, so that it stays a top-level @file when args
        # spill into a params file.
        arguments = [args, params_file_arg(ctx, config_values)],
        inputs = inputs,
        outputs = outputs,
        mnemonic = "GoImageManifest",
        progress_message = "Writing image %{label} for " + platform,
    )
