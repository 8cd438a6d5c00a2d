"""The assembler toolchain: how rules reach the tool that writes images."""

load("//rules/private:providers/assembler_info.bzl", "AssemblerInfo")

ASSEMBLER_TOOLCHAIN_TYPE = Label("//rules:assembler_toolchain_type")

def _assembler_toolchain_impl(ctx):
    return [platform_common.ToolchainInfo(
        assembler_info = AssemblerInfo(
            assembler = ctx.attr.assembler[DefaultInfo].files_to_run,
            runfiles = ctx.runfiles(files = [ctx.executable.assembler]).merge(ctx.attr.assembler[DefaultInfo].default_runfiles),
        ),
    )]

assembler_toolchain = rule(
    implementation = _assembler_toolchain_impl,
    doc = """Declares an assembler for the `@rules_goimage//rules:assembler_toolchain_type` toolchain.

The default one builds `//tools/assembler` from source; a prebuilt binary can be
registered in its place with the same rule:

```starlark
assembler_toolchain(
    name = "prebuilt_assembler",
    assembler = "@assembler_linux_amd64//:assembler",
)

toolchain(
    name = "prebuilt_assembler_toolchain",
    exec_compatible_with = ["@platforms//os:linux", "@platforms//cpu:x86_64"],
    toolchain = ":prebuilt_assembler",
    toolchain_type = "@rules_goimage//rules:assembler_toolchain_type",
)
```""",
    attrs = {
        "assembler": attr.label(
            doc = "The assembler executable.",
            cfg = "exec",
            executable = True,
            mandatory = True,
        ),
    },
)

def find_assembler(ctx):
    """Returns the assembler of the rule's resolved toolchain.

    Args:
      ctx: the rule context; the rule must list ASSEMBLER_TOOLCHAIN_TYPE in its toolchains.

    Returns:
      The FilesToRunProvider of the assembler.
    """
    return ctx.toolchains[ASSEMBLER_TOOLCHAIN_TYPE].assembler_info.assembler

def assembler_runfiles(ctx):
    """Returns the runfiles a runnable target needs to run the assembler of the rule's toolchain."""
    return ctx.toolchains[ASSEMBLER_TOOLCHAIN_TYPE].assembler_info.runfiles
