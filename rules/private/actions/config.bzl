"""Writes an image's config as the JSON file `assembler build --config` reads."""

load("//rules/private:rules/image_attrs.bzl", "CONFIG_ATTRS")

def _env(ctx):
    # As ko does: a program reads its data files from $KO_DATA_PATH.
    if ctx.files.data and "KO_DATA_PATH" not in ctx.attr.env:
        return dict(ctx.attr.env, KO_DATA_PATH = ctx.attr.data_path)
    return ctx.attr.env

def _healthcheck(ctx):
    if not ctx.attr.healthcheck and not ctx.attr.healthcheck_options:
        return None
    healthcheck = dict(ctx.attr.healthcheck_options)
    healthcheck["test"] = ctx.attr.healthcheck
    return healthcheck

def write_config(ctx, *, name, binary_path):
    """Writes the go_image's config: the JSON form of the assembler's image.Config.

    The assembler owns every rule of a config value and checks each when it
    reads the file, naming the attribute: nothing is checked here. Each of
    CONFIG_ATTRS is the field of the same name (null when empty: the base's
    value), but for the few shaped below. Labels, annotations and the
    creation time may hold workspace status placeholders, and go through
    the stamped values file instead.

    Args:
      ctx: the go_image's rule context.
      name: the file's name, relative to the package.
      binary_path: where the binary is in the image, the default entrypoint.

    Returns:
      The File.
    """
    values = {a: getattr(ctx.attr, a) or None for a in CONFIG_ATTRS if a != "healthcheck_options"}
    values["entrypoint"] = ctx.attr.entrypoint or [binary_path]
    values["env"] = ["{}={}".format(k, v) for k, v in sorted(_env(ctx).items())]
    values["healthcheck"] = _healthcheck(ctx)
    config = ctx.actions.declare_file(name)
    ctx.actions.write(config, json.encode(struct(**values)))
    return config
