"""The provenance of an image: the flags of `assembler build --provenance` and the files they name.

The assembler writes the statement in the action that writes the image's
manifest (`GoImageManifest`), where the manifest digest, its subject, is
known, and attaches it to the image there; these functions only say what
that action reads and writes for it.
"""

load("//rules/private:platforms.bzl", "platform_path")

def declare_provenance(ctx, *, platform, single, stamp):
    """Declares the provenance statement of one platform's image.

    Args:
      ctx: the go_image's rule context.
      platform: the image's platform, "os/arch[/variant]".
      single: whether the image has one platform (its files are named after
        the target) or several (each in its platform's folder).
      stamp: whether the build stamps (should_stamp()): the workspace status
        then gives the source revision and the build time.

    Returns:
      struct(output, label, status): the statement File, the go_image's
      label, and the workspace status Files to read (none without stamping,
      so that the statement stays reproducible).
    """
    if single:
        path = ctx.label.name + ".provenance.json"
    else:
        path = "_{}/{}/provenance.json".format(ctx.label.name, platform_path(platform))
    return struct(
        output = ctx.actions.declare_file(path),
        label = _label_string(ctx.label),
        status = [ctx.info_file, ctx.version_file] if stamp else [],
    )

def provenance_args(args, provenance):
    """Adds the flags of the provenance to the manifest action's arguments.

    The binary and its modules are the SBOM's flags (--sbom-binary,
    --sbom-packages, --sbom-go-mod), which the caller adds for both.

    Args:
      args: the manifest action's Args.
      provenance: the struct of declare_provenance.

    Returns:
      struct(inputs, outputs): the Files the flags name.
    """
    args.add("--provenance", provenance.output)
    args.add("--provenance-label", provenance.label)
    args.add_all(provenance.status, before_each = "--provenance-status")
    return struct(inputs = provenance.status, outputs = [provenance.output])

def _label_string(label):
    # //pkg:name for the main repository's targets, as users write them;
    # str() would give "@@//pkg:name".
    repository = "@@" + label.workspace_name if label.workspace_name else ""
    return "{}//{}:{}".format(repository, label.package, label.name)
