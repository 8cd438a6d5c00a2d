"""A stand-in for the buildozer module's extension, which `bazel mod tidy` runs.

The real one downloads a released buildozer; this one gives the buildozer
that tools/bazel compiled from the buildtools Go module into this folder.
"""

def _buildozer_binary_repo_impl(rctx):
    rctx.symlink(rctx.attr.buildozer, "buildozer.exe")
    rctx.file("BUILD.bazel", 'exports_files(["buildozer.exe"])\n')

_buildozer_binary_repo = repository_rule(
    implementation = _buildozer_binary_repo_impl,
    attrs = {"buildozer": attr.label(allow_single_file = True)},
)

def _buildozer_binary_impl(_module_ctx):
    _buildozer_binary_repo(name = "buildozer_binary", buildozer = Label("//:buildozer"))

buildozer_binary = module_extension(
    implementation = _buildozer_binary_impl,
    tag_classes = {"buildozer": tag_class(attrs = {"sha256": attr.string_dict(), "version": attr.string()})},
)
