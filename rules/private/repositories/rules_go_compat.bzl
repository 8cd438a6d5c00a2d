"""io_bazel_rules_go: rules_go under the name Gazelle writes into the BUILD files of Go modules.

Gazelle names rules_go by the apparent name the repository's MODULE.bazel
gives it, and a downloaded Go module has none, so its BUILD files load
`@io_bazel_rules_go//go:def.bzl` and select on `@io_bazel_rules_go//go/platform:*`.
go_deps repositories see that name because Gazelle's own module calls rules_go
so; the goimage_tools repositories see this module's names, so this
repository, made by the same extension, forwards it to `@rules_go` (as
go_deps forwards rules_proto).
"""

_DEF_BZL = """load("@rules_go//go:def.bzl", _go_binary = "go_binary", _go_library = "go_library", _go_test = "go_test")

go_binary = _go_binary
go_library = _go_library
go_test = _go_test
"""

_PLATFORM_BUILD = """load("@rules_go//go/platform:list.bzl", "GOARCH", "GOOS", "GOOS_GOARCH")

[
    alias(
        name = name,
        actual = "@rules_go//go/platform:" + name,
        visibility = ["//visibility:public"],
    )
    for name in list(GOOS) + list(GOARCH) + [goos + "_" + goarch for goos, goarch in GOOS_GOARCH]
]
"""

def _rules_go_compat_impl(rctx):
    rctx.file("BUILD.bazel", "")
    rctx.file("go/BUILD.bazel", "")
    rctx.file("go/def.bzl", _DEF_BZL)
    rctx.file("go/platform/BUILD.bazel", _PLATFORM_BUILD)

rules_go_compat = repository_rule(
    implementation = _rules_go_compat_impl,
    doc = "Forwards `@io_bazel_rules_go//go:def.bzl` and `//go/platform` to `@rules_go`.",
)
