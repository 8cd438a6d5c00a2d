"""Values that may hold workspace status placeholders, such as "app:{STABLE_GIT_COMMIT}"."""

load("//rules/private:providers/stamp_setting_info.bzl", "StampSettingInfo")

STAMP_ATTRS = {
    "stamp": attr.int(
        doc = """Whether to fill workspace status values into names and labels.

`{KEY}` in a tag, label or annotation value is replaced by the workspace
status value of KEY, for example `{BUILD_USER}`, `{BUILD_TIMESTAMP}` or a
`STABLE_` key that `--workspace_status_command` prints.

* `stamp = 1`: always stamp.
* `stamp = 0`: never; placeholders stay as they are.
* `stamp = -1` (the default): stamp only in builds with `--stamp`, so that
  other builds stay reproducible and cached.""",
        default = -1,
        values = [-1, 0, 1],
    ),
    "_stamp_setting": attr.label(
        default = Label("//rules/private:stamp"),
        providers = [StampSettingInfo],
    ),
}

def should_stamp(ctx):
    """Whether this target stamps, from its stamp attribute and --stamp."""
    if ctx.attr.stamp == -1:
        return ctx.attr._stamp_setting[StampSettingInfo].value
    return ctx.attr.stamp == 1

def values_file(ctx, *, assembler, name, values, stamp):
    """Writes values one a line, with workspace status placeholders filled when stamping.

    The file serves as a params file (`@file`) of assembler flags, or as a
    tags file. Without stamping it is written at analysis time, so the
    outputs that read it stay reproducible.

    Args:
      ctx: the rule context.
      assembler: the assembler's FilesToRunProvider.
      name: the file's name, relative to the package.
      values: list of strings, one a line.
      stamp: whether to stamp, from should_stamp().

    Returns:
      The File.
    """
    out = ctx.actions.declare_file(name)
    if not stamp or not [v for v in values if "{" in v]:
        ctx.actions.write(out, "".join([v + "\n" for v in values]))
        return out
    args = ctx.actions.args()
    args.add("stamp")
    args.add("--status", ctx.info_file)
    args.add("--status", ctx.version_file)
    args.add("--output", out)
    args.add("--")
    args.add_all(values)
    ctx.actions.run(
        executable = assembler,
        arguments = [args],
        inputs = [ctx.info_file, ctx.version_file],
        outputs = [out],
        mnemonic = "GoImageStamp",
        progress_message = "Stamping %{output}",
    )
    return out
