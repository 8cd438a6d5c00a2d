"""goimage_tools: the assembler, built for the host, for the goimage repository rules.

Repository rules run before Bazel builds anything, so the assembler that
fetches and imports base images is compiled here with the Go SDK that
rules_go selected for the host, as `go build` compiles it: in module mode,
from this module's go.mod and go.sum, whose hashes check every module it
downloads. It needs none of the Bazel repositories of the Go modules, so it
joins no module graph. The Go build and module caches are the user's
(`go env GOCACHE GOMODCACHE`), so only the first fetch on a machine
downloads and compiles everything; the Go proxy settings are the user's too.
"""

_ASSEMBLER_PACKAGE = "./tools/assembler"

def _go_env(rctx):
    env = {
        "GO111MODULE": "on",
        "GOFLAGS": "-mod=readonly",
        "GOWORK": "off",
        "GOTOOLCHAIN": "local",
        "CGO_ENABLED": "0",
    }

    # The user's caches, as the go command would find them; folders of this
    # repository only when there is no home to keep them in.
    if not rctx.os.environ.get("HOME", "") and not rctx.os.environ.get("XDG_CACHE_HOME", ""):
        if not rctx.os.environ.get("GOCACHE", ""):
            env["GOCACHE"] = str(rctx.path("gocache"))
        if not rctx.os.environ.get("GOMODCACHE", "") and not rctx.os.environ.get("GOPATH", ""):
            env["GOMODCACHE"] = str(rctx.path("gomodcache"))
    return env

def _goimage_tools_impl(rctx):
    go = rctx.path(rctx.attr.go_sdk_root).dirname.get_child("bin").get_child("go")
    module_root = rctx.path(Label("//:go.mod")).dirname
    rctx.watch(module_root.get_child("go.mod"))
    rctx.watch(module_root.get_child("go.sum"))
    rctx.watch_tree(module_root.get_child("tools").get_child("assembler"))
    rctx.report_progress("compiling the assembler")
    result = rctx.execute(
        [go, "build", "-trimpath", "-o", str(rctx.path("bin/assembler")), _ASSEMBLER_PACKAGE],
        environment = _go_env(rctx),
        working_directory = str(module_root),
        timeout = 1200,
    )
    if result.return_code != 0:
        fail("goimage: compiling the assembler for the goimage module extension failed (it downloads its Go modules through the Go proxy, as go build does: check GOPROXY):\n" + result.stderr)
    rctx.file("BUILD.bazel", 'exports_files(["bin/assembler"])\n')

goimage_tools = repository_rule(
    implementation = _goimage_tools_impl,
    doc = "The assembler built for the host, which the goimage repository rules run.",
    attrs = {
        "go_sdk_root": attr.label(doc = "The ROOT file of the Go SDK to build with.", mandatory = True),
    },
    environ = ["GOCACHE", "GOMODCACHE", "GOPATH", "GOPROXY", "GONOSUMDB", "GOPRIVATE", "GOINSECURE"],
)
