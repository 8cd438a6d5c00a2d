"""The assembler toolchain: how rules reach the tool that writes images."""

AssemblerInfo = provider(
    doc = "The assembler executable, as a toolchain provides it.",
    fields = {
        "assembler": "FilesToRunProvider: the assembler binary, built for the execution platform.",
    },
)

def _assembler_toolchain_impl(ctx):
    return [platform_common.ToolchainInfo(
        assembler_info = AssemblerInfo(assembler = ctx.attr.assembler[DefaultInfo].files_to_run),
    )]

assembler_toolchain = rule(
    implementation = _assembler_toolchain_impl,
    doc = """Declares an assembler for the `@rules_goimage//rules:assembler_toolchain_type` toolchain.

The default one builds `//tools/assembler` from source; a prebuilt binary can be
registered in its place with the same rule.""",
    attrs = {
        "assembler": attr.label(
            doc = "The assembler executable.",
            cfg = "exec",
            executable = True,
            mandatory = True,
        ),
    },
)

ASSEMBLER_TOOLCHAIN_TYPE = Label("//rules:assembler_toolchain_type")
