"""Analysis tests of rules_goimage: the providers the rules return and the actions they register."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load("//rules:defs.bzl", "GoImageInfo", "GoImageLayerInfo")

def _mnemonics(env):
    return [a.mnemonic for a in analysistest.target_actions(env)]

def _count(items, value):
    return len([i for i in items if i == value])

def _actions(env, mnemonic):
    return [a for a in analysistest.target_actions(env) if a.mnemonic == mnemonic]

def _argv(action):
    return " ".join(action.argv)

def _contains(env, haystack, needle, what):
    asserts.true(env, needle in haystack, "{} lacks {}: {}".format(what, repr(needle), haystack))

def _config(env):
    """The image config the go_image wrote at analysis time, decoded; the manifest action reads it."""
    writes = [a for a in _actions(env, "FileWrite") if a.outputs.to_list()[0].basename == "config.json"]
    asserts.equals(env, 1, len(writes), "no action writes one config.json")
    _contains(env, _argv(_actions(env, "GoImageManifest")[0]), "--config " + writes[0].outputs.to_list()[0].path, "the manifest's command line")
    return json.decode(writes[0].content)

def _basenames(files):
    return sorted([f.basename for f in files])

# --- a single-platform image ---------------------------------------------------

def _single_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    info = target[GoImageInfo]
    asserts.equals(env, ["linux/amd64"], info.platforms)
    asserts.equals(env, "single.tar", info.tarball.basename)
    asserts.equals(env, "image.json", info.image.basename)
    asserts.equals(env, ["single.tar"], _basenames(target[DefaultInfo].files.to_list()))
    asserts.equals(env, ["single_layout"], _basenames(target[OutputGroupInfo].layout.to_list()))

    # The binary's layer and the manifest are two actions, so a Go change
    # re-runs both and the tarball, and nothing else; one platform needs no index.
    asserts.equals(env, 1, _count(_mnemonics(env), "GoImageBinaryLayer"))
    asserts.equals(env, 1, _count(_mnemonics(env), "GoImageManifest"))
    asserts.equals(env, 1, _count(_mnemonics(env), "GoImageTarball"))
    asserts.equals(env, 1, _count(_mnemonics(env), "GoImageLayout"))
    asserts.equals(env, 0, _count(_mnemonics(env), "GoImageIndex"))
    asserts.equals(env, 0, _count(_mnemonics(env), "GoImageStamp"))

    # The binary is checked against the image's platform where its layer is made.
    layer = _actions(env, "GoImageBinaryLayer")[0]
    for part in ["--binary", "=/app/app", "--platform linux/amd64"]:
        _contains(env, _argv(layer), part, "the binary layer's command line")
    manifest = _actions(env, "GoImageManifest")[0]
    argv = _argv(manifest)
    for part in ["build", "--base scratch", "--platform linux/amd64", "--thin-layout"]:
        _contains(env, argv, part, "the manifest's command line")
    asserts.equals(env, ["/app/app"], _config(env)["entrypoint"])

    # The manifest action reads the layer's descriptor, never its blob: its
    # cost does not grow with the layers'.
    inputs = manifest.inputs.to_list()
    descriptor = [f for f in layer.outputs.to_list() if f.extension == "json"][0]
    blob = [f for f in layer.outputs.to_list() if f.extension == "gz"][0]
    asserts.true(env, descriptor in inputs, "the manifest does not read the binary layer's descriptor")
    asserts.false(env, blob in inputs, "the manifest reads the binary layer's blob")
    tarball = _actions(env, "GoImageTarball")[0]
    asserts.true(env, blob in tarball.inputs.to_list(), "the tarball action does not read the binary layer's blob")
    asserts.true(env, "--sbom" not in argv, "an image without sbom = True writes an SBOM: " + argv)
    asserts.equals(env, [], target[OutputGroupInfo].sbom.to_list())
    asserts.true(env, "--provenance" not in argv, "an image without provenance = True writes a provenance: " + argv)
    asserts.equals(env, [], target[OutputGroupInfo].provenance.to_list())
    return analysistest.end(env)

_single_test = analysistest.make(_single_test_impl)

# --- SBOMs -------------------------------------------------------------------------

def _sbom_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    sboms = target[OutputGroupInfo].sbom.to_list()
    asserts.equals(env, ["_with_sbom/linux_amd64/sbom.spdx.json", "_with_sbom/linux_arm64/sbom.spdx.json"], sorted([f.short_path[len("rules/tests/"):] for f in sboms]))

    # Each platform's manifest action describes that platform's binary, with
    # the packages Bazel linked into it, each with the package metadata of
    # the repository go_deps fetched it into, which names the version.
    listings = {}
    for action in _actions(env, "FileWrite"):
        for f in action.outputs.to_list():
            if f.basename == "packages.txt":
                listings[f.path] = action.content
    asserts.equals(env, 2, len(listings), "want a package listing per platform")
    for content in listings.values():
        _contains(env, content, "github.com/google/go-containerregistry/pkg/name\n", "the package listing")
        _contains(env, content, "github.com/google/go-containerregistry/pkg/name\tpkg:golang/github.com/google/go-containerregistry@v", "the package listing, with the package URL of its repository")
    for action in _actions(env, "GoImageManifest"):
        inputs = action.inputs.to_list()
        binary = [f for f in inputs if f.basename == "app_with_deps"]
        asserts.equals(env, 1, len(binary), "the manifest action does not read the binary its SBOM describes")
        packages = [f for f in inputs if f.path in listings]
        asserts.equals(env, 1, len(packages), "the manifest action does not read its platform's package listing")
        sbom = [f for f in action.outputs.to_list() if f.basename == "sbom.spdx.json"]
        asserts.equals(env, 1, len(sbom), "the manifest action does not write an SBOM")
        argv = _argv(action)
        for part in ["--sbom " + sbom[0].path, "--sbom-binary " + binary[0].path, "--sbom-go-mod go.mod", "--sbom-packages " + packages[0].path]:
            _contains(env, argv, part, "the manifest's command line")
    return analysistest.end(env)

_sbom_test = analysistest.make(_sbom_test_impl)

# --- provenance -------------------------------------------------------------------

def _provenance_test(ctx, stamped):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    statements = target[OutputGroupInfo].provenance.to_list()
    asserts.equals(env, ["_with_provenance/linux_amd64/provenance.json", "_with_provenance/linux_arm64/provenance.json"], sorted([f.short_path[len("rules/tests/"):] for f in statements]))
    asserts.equals(env, [], target[OutputGroupInfo].sbom.to_list())

    # Each platform's manifest action writes its statement, where the
    # manifest digest is known, from the modules the SBOM would list; only
    # a stamped build reads the workspace status.
    actions = _actions(env, "GoImageManifest")
    asserts.equals(env, 2, len(actions))
    for action in actions:
        argv = _argv(action)
        written = [f for f in action.outputs.to_list() if f.basename == "provenance.json"]
        asserts.equals(env, 1, len(written), "the manifest action does not write a provenance")
        for part in ["--provenance " + written[0].path, "--provenance-label //rules/tests:with_provenance", "--sbom-binary ", "--sbom-go-mod go.mod", "--sbom-packages ", "--base "]:
            _contains(env, argv, part, "the manifest's command line")
        asserts.true(env, "--sbom " not in argv, "provenance = True alone writes an SBOM: " + argv)
        status = [f for f in action.inputs.to_list() if f.basename in ["stable-status.txt", "volatile-status.txt"]]
        asserts.equals(env, 2 if stamped else 0, len(status), "the manifest action reads {} workspace status files".format(len(status)))
        asserts.equals(env, 2 if stamped else 0, argv.count("--provenance-status "))
    return analysistest.end(env)

def _provenance_test_impl(ctx):
    return _provenance_test(ctx, stamped = False)

def _provenance_stamped_test_impl(ctx):
    return _provenance_test(ctx, stamped = True)

_provenance_unstamped_test = analysistest.make(_provenance_test_impl)
_provenance_stamped_test = analysistest.make(
    _provenance_stamped_test_impl,
    config_settings = {"//command_line_option:stamp": True},
)

def _sbom_and_provenance_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    asserts.equals(env, ["with_sbom_and_provenance.provenance.json"], _basenames(target[OutputGroupInfo].provenance.to_list()))
    asserts.equals(env, ["with_sbom_and_provenance.spdx.json"], _basenames(target[OutputGroupInfo].sbom.to_list()))

    # One package listing serves both, in one manifest action.
    listings = [f for a in _actions(env, "FileWrite") for f in a.outputs.to_list() if f.basename.endswith("_packages.txt")]
    asserts.equals(env, 1, len(listings), "want one package listing: {}".format(listings))
    argv = _argv(_actions(env, "GoImageManifest")[0])
    for part in ["--sbom ", "--provenance ", "--sbom-packages " + listings[0].path]:
        _contains(env, argv, part, "the manifest's command line")
    asserts.equals(env, 1, argv.count("--sbom-packages "))
    return analysistest.end(env)

_sbom_and_provenance_test = analysistest.make(_sbom_and_provenance_test_impl)

# --- a multi-platform image on a pulled base --------------------------------------

def _multi_test_impl(ctx):
    env = analysistest.begin(ctx)
    info = analysistest.target_under_test(env)[GoImageInfo]
    asserts.equals(env, ["linux/amd64", "linux/arm64"], info.platforms)
    asserts.equals(env, "registry.example.com/base/static", info.base_repository)
    asserts.equals(env, 2, _count(_mnemonics(env), "GoImageBinaryLayer"))
    asserts.equals(env, 2, _count(_mnemonics(env), "GoImageManifest"))
    asserts.equals(env, 1, _count(_mnemonics(env), "GoImageIndex"))

    # Each platform's binary is built in its own configuration.
    binaries = [[f for f in a.inputs.to_list() if f.basename == "app"][0] for a in _actions(env, "GoImageBinaryLayer")]
    asserts.true(env, binaries[0].path != binaries[1].path, "both platforms use the same binary {}".format(binaries[0].path))
    manifests = _actions(env, "GoImageManifest")
    _contains(env, _argv(manifests[0]), "--platform linux/amd64", "the first manifest")
    _contains(env, _argv(manifests[1]), "--platform linux/arm64", "the second manifest")

    # The base is read where its repository has it, and only its manifests
    # and configs: its layers are neither copied nor read by the image actions.
    base_layer = info.blobs.to_list()
    asserts.equals(env, 1, len(base_layer), "the image does not refer to the base's layer blob")
    for action in manifests:
        _contains(env, _argv(action), "rules/tests/pulled_base.image.json --platform", "a manifest's --base")
        asserts.false(env, base_layer[0] in action.inputs.to_list(), "a manifest action reads the base's layers")
    index = _actions(env, "GoImageIndex")[0]
    asserts.equals(env, 2, _argv(index).count("--image"))
    _contains(env, _argv(index), "--thin", "the index's command line")
    asserts.false(env, base_layer[0] in index.inputs.to_list(), "the index action reads the base's layers")
    tarball = _actions(env, "GoImageTarball")[0]
    asserts.true(env, info.tarball in tarball.outputs.to_list(), "no action writes the tarball")
    asserts.true(env, base_layer[0] in tarball.inputs.to_list(), "the tarball action does not copy the base's layers")
    return analysistest.end(env)

_multi_test = analysistest.make(_multi_test_impl)

# --- config, data, layers and stamping ---------------------------------------------

def _configured_test(ctx, stamped):
    env = analysistest.begin(ctx)
    mnemonics = _mnemonics(env)

    # Data files are a layer of their own; a goimage_layer is reused as is.
    data = _actions(env, "GoImageLayer")
    asserts.equals(env, 1, len(data))
    _contains(env, _argv(data[0]), "index.html=/var/www/index.html", "the data layer's command line")
    manifest = _argv(_actions(env, "GoImageManifest")[0])
    config = _config(env)
    for field, value in {"cmd": ["--port=8080"], "workdir": "/app", "user": "65532:65532", "exposed_ports": ["8080/tcp"]}.items():
        asserts.equals(env, value, config[field], "the config's " + field)
    _contains(env, config["env"], "MODE=prod", "the config's env")
    asserts.equals(env, 3, manifest.count("--layer "))
    _contains(env, manifest, "config_layer.json", "the manifest's layers")

    # Labels, annotations and names reach the manifest through a file, stamped
    # by an action only when stamping.
    asserts.equals(env, 1 if stamped else 0, _count(mnemonics, "GoImageStamp"))
    if stamped:
        stamp = _argv(_actions(env, "GoImageStamp")[0])
        for part in ["built.by={BUILD_USER}", "org.opencontainers.image.revision={STABLE_GIT_COMMIT}", "example.com/app:{BUILD_USER}", "stable-status.txt", "volatile-status.txt"]:
            _contains(env, stamp, part, "the stamp action's command line")
    else:
        written = [a.content for a in _actions(env, "FileWrite") if a.outputs.to_list()[0].basename == "image.params"]
        asserts.equals(env, "--label\nbuilt.by={BUILD_USER}\n--annotation\norg.opencontainers.image.revision={STABLE_GIT_COMMIT}\n--tag\nexample.com/app:{BUILD_USER}\n", written[0])
    return analysistest.end(env)

def _configured_test_impl(ctx):
    return _configured_test(ctx, stamped = False)

def _configured_stamped_test_impl(ctx):
    return _configured_test(ctx, stamped = True)

_configured_unstamped_test = analysistest.make(_configured_test_impl)
_configured_stamped_test = analysistest.make(
    _configured_stamped_test_impl,
    config_settings = {"//command_line_option:stamp": True},
)

# --- goimage_layer -----------------------------------------------------------

def _layer_test_impl(ctx):
    env = analysistest.begin(ctx)
    layer = analysistest.target_under_test(env)[GoImageLayerInfo]
    asserts.equals(env, "config_layer.tar.gz", layer.blob.basename)
    asserts.equals(env, "config_layer.json", layer.descriptor.basename)
    argv = _argv(_actions(env, "GoImageLayer")[0])
    _contains(env, argv, "index.html=/etc/app/index.html", "the layer's command line")
    _contains(env, argv, "--symlink /etc/app/current=/etc/app/index.html", "the layer's command line")
    return analysistest.end(env)

_layer_test = analysistest.make(_layer_test_impl)

# --- .push and .load ---------------------------------------------------------------

def _runner_script(env):
    target = analysistest.target_under_test(env)
    script = target[DefaultInfo].files_to_run.executable
    writes = [a for a in _actions(env, "FileWrite") if script in a.outputs.to_list()]
    asserts.equals(env, 1, len(writes), "no action writes the script")
    return target, writes[0].content

def _push_test_impl(ctx):
    env = analysistest.begin(ctx)
    target, script = _runner_script(env)
    for part in ["push", "--image", "_multi/index.image.json", "--repository-file", "multi.push.repository", "--mount-from' 'registry.example.com/base/static", "--tags-file", '"$@"']:
        _contains(env, script, part, "the push script")
    runfiles = [f.basename for f in target[DefaultInfo].default_runfiles.files.to_list()]
    for name in ["index", "binary.tar.gz", "binary.json", "multi.push.tags", "multi.push.repository", "assembler"]:
        asserts.true(env, name in runfiles, "{} is not in the push target's runfiles: {}".format(name, runfiles))
    tags = [a.content for a in _actions(env, "FileWrite") if a.outputs.to_list()[0].basename == "multi.push.tags"]
    asserts.equals(env, ["v1\n"], tags)
    repository = [a.content for a in _actions(env, "FileWrite") if a.outputs.to_list()[0].basename == "multi.push.repository"]
    asserts.equals(env, ["registry.example.com/team/app\n"], repository)
    return analysistest.end(env)

_push_test = analysistest.make(_push_test_impl)

def _load_test_impl(ctx):
    env = analysistest.begin(ctx)
    _, script = _runner_script(env)
    for part in ["load", "--image", "_single/image.json", "--tags-file"]:
        _contains(env, script, part, "the load script")
    tags = [a.content for a in _actions(env, "FileWrite") if a.outputs.to_list()[0].basename == "single.load.tags"]
    asserts.equals(env, ["bazel/rules/tests:single\n"], tags)
    return analysistest.end(env)

_load_test = analysistest.make(_load_test_impl)

# --- errors ----------------------------------------------------------------------

def _failure_test(message):
    def impl(ctx):
        env = analysistest.begin(ctx)
        asserts.expect_failure(env, message)
        return analysistest.end(env)

    return impl

_bad_platform_test = analysistest.make(_failure_test("platform \"windows/amd64\" is not supported"), expect_failure = True)
_twice_test = analysistest.make(_failure_test("platform \"linux/arm64\" is listed twice"), expect_failure = True)
_outside_prefix_test = analysistest.make(_failure_test("is not under data_strip_prefix \"testdata/kodata\""), expect_failure = True)

# Without go_mod, the modules come from the package listing alone.
def _without_go_mod_test_impl(ctx):
    env = analysistest.begin(ctx)
    argv = _argv(_actions(env, "GoImageManifest")[0])
    _contains(env, argv, "--sbom-packages ", "the manifest's command line")
    asserts.true(env, "--sbom-go-mod" not in argv, "a go_image without go_mod passes one: " + argv)
    return analysistest.end(env)

_without_go_mod_test = analysistest.make(_without_go_mod_test_impl)
_cgo_test = analysistest.make(_failure_test("is built with cgo (cgo = True), but go_image builds its binary as pure Go"), expect_failure = True)

def _cgo_pure_test_impl(ctx):
    env = analysistest.begin(ctx)
    asserts.equals(env, 1, _count(_mnemonics(env), "GoImageManifest"))
    return analysistest.end(env)

_cgo_pure_test = analysistest.make(_cgo_pure_test_impl)

# The assembler checks the config's values, in the manifest action
# (config_file_test runs it on these targets' config files): analysis
# passes them on as they are.
def _config_value_test(field, value):
    def impl(ctx):
        env = analysistest.begin(ctx)
        asserts.equals(env, value, _config(env)[field])
        return analysistest.end(env)

    return impl

_bad_port_test = analysistest.make(_config_value_test("exposed_ports", ["http"]))
_relative_workdir_test = analysistest.make(_config_value_test("workdir", "relative/dir"))
_bad_healthcheck_option_test = analysistest.make(_config_value_test("healthcheck", {"test": ["NONE"], "every": "30s"}))

# --- config fields and layer sources -----------------------------------------

def _full_config_test_impl(ctx):
    env = analysistest.begin(ctx)
    argv = _argv(_actions(env, "GoImageManifest")[0])
    _contains(env, argv, "--check tzdata=off", "the manifest's command line")
    config = _config(env)
    asserts.equals(env, "SIGINT", config["stop_signal"])
    asserts.equals(env, ["/var/cache/app"], config["volumes"])
    asserts.equals(env, {"test": ["CMD", "/app/app", "-health"], "interval": "30s", "retries": "3"}, config["healthcheck"])

    # As ko sets it, for programs that read their data files from it.
    _contains(env, config["env"], "KO_DATA_PATH=/app/data", "the config's env")
    layers = [_argv(a) for a in _actions(env, "GoImageLayer")]
    asserts.equals(env, 2, len(layers), "a layer for the tar and one for the data files: {}".format(layers))
    tar_layer = [a for a in layers if "--tar" in a]
    asserts.equals(env, 1, len(tar_layer), "no layer reads the tar: {}".format(layers))
    _contains(env, tar_layer[0], "--keep-tar-mtimes", "the tar layer's command line")
    data_layer = [a for a in layers if "--tar" not in a][0]
    _contains(env, data_layer, "--owner 65532:65532", "the data layer's command line")
    for a in layers + [_argv(_actions(env, "GoImageBinaryLayer")[0])]:
        _contains(env, a, "--compression zstd", "a layer's command line")
    return analysistest.end(env)

_full_config_test = analysistest.make(_full_config_test_impl)

def _on_layout_target_test_impl(ctx):
    env = analysistest.begin(ctx)

    # The aspect on base imports the layout once, outside this target; the
    # manifest reads the imported layout.
    inputs = _actions(env, "GoImageManifest")[0].inputs.to_list()
    imported = [f for f in inputs if "/_goimage_base/single.layout/" in f.path]
    asserts.true(env, len(imported) > 0, "the manifest does not read the imported layout: {}".format([f.path for f in inputs]))
    return analysistest.end(env)

_on_layout_target_test = analysistest.make(_on_layout_target_test_impl)

# --- without tarballs -----------------------------------------------------------

def _no_tarball_test_impl(ctx):
    env = analysistest.begin(ctx)
    target = analysistest.target_under_test(env)
    asserts.equals(env, None, target[GoImageInfo].tarball)
    asserts.equals(env, 0, _count(_mnemonics(env), "GoImageTarball"))
    files = _basenames(target[DefaultInfo].files.to_list())
    asserts.false(env, "single.tar" in files, "the image still builds its tarball")
    for name in ["image", "binary.tar.gz", "binary.json"]:
        asserts.true(env, name in files, "building the image does not build {}: {}".format(name, files))
    return analysistest.end(env)

_no_tarball_test = analysistest.make(
    _no_tarball_test_impl,
    config_settings = {str(Label("//rules:tarball")): False},
)

def analysis_test_suite(name):
    """Declares every analysis test and a test_suite of them.

    Args:
      name: the test_suite's name.
    """
    tests = {
        "single_test": (_single_test, ":single"),
        "multi_test": (_multi_test, ":multi"),
        "configured_test": (_configured_unstamped_test, ":configured"),
        "configured_stamped_test": (_configured_stamped_test, ":configured"),
        "layer_test": (_layer_test, ":config_layer"),
        "sbom_test": (_sbom_test, ":with_sbom"),
        "provenance_test": (_provenance_unstamped_test, ":with_provenance"),
        "provenance_stamped_test": (_provenance_stamped_test, ":with_provenance"),
        "sbom_and_provenance_test": (_sbom_and_provenance_test, ":with_sbom_and_provenance"),
        "provenance_without_go_mod_test": (_without_go_mod_test, ":provenance_without_go_mod"),
        "push_test": (_push_test, ":multi.push"),
        "load_test": (_load_test, ":single.load"),
        "bad_platform_test": (_bad_platform_test, ":bad_platform"),
        "twice_test": (_twice_test, ":twice"),
        "outside_prefix_test": (_outside_prefix_test, ":outside_prefix"),
        "sbom_without_go_mod_test": (_without_go_mod_test, ":sbom_without_go_mod"),
        "bad_port_test": (_bad_port_test, ":bad_port"),
        "relative_workdir_test": (_relative_workdir_test, ":relative_workdir"),
        "no_tarball_test": (_no_tarball_test, ":single"),
        "cgo_test": (_cgo_test, ":cgo_image"),
        "cgo_pure_test": (_cgo_pure_test, ":cgo_image_pure"),
        "cgo_off_test": (_cgo_pure_test, ":cgo_image_off"),
        "full_config_test": (_full_config_test, ":full_config"),
        "bad_healthcheck_option_test": (_bad_healthcheck_option_test, ":bad_healthcheck_option"),
        "on_layout_target_test": (_on_layout_target_test, ":on_layout_target"),
    }
    for test_name, (test, target) in tests.items():
        test(name = test_name, target_under_test = target, size = "small")
    native.test_suite(name = name, tests = [":" + t for t in tests])
