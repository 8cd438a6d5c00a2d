"""goimage_tools: the assembler, built for the host, for the goimage repository rules.

Repository rules run before Bazel builds anything, so the assembler that
fetches and imports base images is compiled here, the way Gazelle compiles
its own repository tools: with the Go SDK that rules_go selected for the
host, from the sources of the Go modules that go_deps already fetched for the
assembler's Bazel build. It is a GOPATH build over those repositories, so it
needs no network and no module download. The Go build cache is the user's
(`go env GOCACHE`), so only the first fetch on a machine compiles everything.
"""

load(":repositories/assembler_deps.bzl", "ASSEMBLER_DEPS", "ASSEMBLER_PACKAGE", "GO_DEPS_ANCHOR")

def _gopath_src(module):
    return "gopath/src/" + module

def _link_sources(rctx):
    """Puts this module and the go_deps repositories the assembler needs at their import paths."""
    self = rctx.path(Label("//:MODULE.bazel")).dirname
    rctx.symlink(self, _gopath_src(ASSEMBLER_PACKAGE.removesuffix("/tools/assembler")))
    rctx.watch_tree(self.get_child("tools").get_child("assembler"))
    for module, repo in ASSEMBLER_DEPS.items():
        rctx.symlink(rctx.path(_go_deps_repo_file(repo)).dirname.dirname, _gopath_src(module))

def _go_deps_repo_file(apparent_name):
    """A file of a go_deps repository, one level below its root, visible to this module or not.

    go_deps names its repositories <extension prefix><apparent name>; the
    prefix is read off the canonical name of a repository this module sees.
    Gazelle writes the package _gazelle_generated into every one.
    """
    prefix = Label("@" + GO_DEPS_ANCHOR + "//:REPO.bazel").repo_name.removesuffix(GO_DEPS_ANCHOR)
    return Label("@@{}{}//_gazelle_generated:BUILD.bazel".format(prefix, apparent_name))

def _go_env(rctx):
    env = {
        "GOPATH": str(rctx.path("gopath")),
        "GO111MODULE": "off",
        "GOFLAGS": "",
        "GOENV": "off",
        "GOTOOLCHAIN": "local",
        "GOPROXY": "off",
        "CGO_ENABLED": "0",
    }

    # The user's build cache, as the go command would find it; a folder of
    # this repository only when there is no home to keep one in.
    cache = rctx.os.environ.get("GOCACHE", "")
    if not cache and not rctx.os.environ.get("HOME", "") and not rctx.os.environ.get("XDG_CACHE_HOME", ""):
        cache = str(rctx.path("gocache"))
    if cache:
        env["GOCACHE"] = cache
    return env

def _goimage_tools_impl(rctx):
    go = rctx.path(rctx.attr.go_sdk_root).dirname.get_child("bin").get_child("go")
    _link_sources(rctx)
    rctx.report_progress("compiling the assembler")
    result = rctx.execute(
        [go, "build", "-trimpath", "-o", "bin/assembler", ASSEMBLER_PACKAGE],
        environment = _go_env(rctx),
        timeout = 1200,
    )
    if result.return_code != 0:
        fail("goimage: compiling the assembler for the goimage module extension failed:\n" + result.stderr)
    rctx.delete("gopath")
    rctx.file("BUILD.bazel", 'exports_files(["bin/assembler"])\n')

goimage_tools = repository_rule(
    implementation = _goimage_tools_impl,
    doc = "The assembler built for the host, which the goimage repository rules run.",
    attrs = {
        "go_sdk_root": attr.label(doc = "The ROOT file of the Go SDK to build with.", mandatory = True),
    },
    environ = ["GOCACHE"],
)
