"""The goimage_tools module extension: the assembler's Go modules, and the assembler the goimage repository rules run.

The assembler and ko2goimage are built from Go modules of their own: one
repository per module, at the version this module's go.mod selects (and
its go.sum hash), made here rather than by go_deps. So rules_goimage never
joins the go_deps graph of the module that uses it: that module's versions
stay its own, and it may itself be one of these modules (a project such as
go-containerregistry builds its images with rules_goimage too).

It is an extension of its own, used by rules_goimage alone, because it must
know the host's Go SDK from rules_go (HOST_COMPATIBLE_SDK), whose .bzl file
has no bzl_library for the reference docs of the public extension.
"""

load("@gazelle//internal:go_repository.bzl", "go_repository")
load("@go_host_compatible_sdk_label//:defs.bzl", "HOST_COMPATIBLE_SDK")
load("//rules/private:repositories/assembler_deps.bzl", "ASSEMBLER_MODULES")
load("//rules/private:repositories/rules_go_compat.bzl", "rules_go_compat")
load("//rules/private:repositories/tools.bzl", _goimage_tools_repository = "goimage_tools")

def _goimage_tools_impl(module_ctx):
    for name, module in ASSEMBLER_MODULES.items():
        go_repository(
            name = name,
            importpath = module.importpath,
            version = module.version,
            sum = module.sum,
            # Imports resolve to the repositories of this list, which
            # Gazelle names as the repositories above are named.
            build_config = Label("//rules/private:repositories/assembler_repos.star"),
            build_file_proto_mode = "disable",
        )
    rules_go_compat(name = "io_bazel_rules_go")
    _goimage_tools_repository(name = "goimage_tools", go_sdk_root = HOST_COMPATIBLE_SDK)
    return module_ctx.extension_metadata(reproducible = True)

goimage_tools = module_extension(
    implementation = _goimage_tools_impl,
    doc = "The assembler's Go modules, and the assembler built for the host for the goimage module extension's repository rules.",
)
