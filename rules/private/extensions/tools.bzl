"""The goimage_tools module extension: the assembler the goimage repository rules run.

It is its own extension, used by rules_goimage alone, because it must know the
host's Go SDK from rules_go (HOST_COMPATIBLE_SDK), whose .bzl file has no
bzl_library for the reference docs of the public extension.
"""

load("@go_host_compatible_sdk_label//:defs.bzl", "HOST_COMPATIBLE_SDK")
load("//rules/private:repositories/tools.bzl", _goimage_tools_repository = "goimage_tools")

def _goimage_tools_impl(module_ctx):
    _goimage_tools_repository(name = "goimage_tools", go_sdk_root = HOST_COMPATIBLE_SDK)
    return module_ctx.extension_metadata(reproducible = True)

goimage_tools = module_extension(
    implementation = _goimage_tools_impl,
    doc = "Builds the assembler for the host, for the goimage module extension's repository rules.",
)
