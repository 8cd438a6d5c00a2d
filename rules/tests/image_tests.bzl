"""Analysis tests of go_image: the images, indexes, SBOMs and provenances it declares, and the actions that write them."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load("//rules:defs.bzl", "GoImageInfo")
load(":analysis_lib.bzl", "declare_tests", _actions = "actions", _argv = "argv", _basenames = "basenames", _config = "image_config", _contains = "contains", _count = "count", _failure_test = "failure_test", _mnemonics = "mnemonics")

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

# Without go_mod, the modules come from the package listing alone.
def _without_go_mod_test_impl(ctx):
    env = analysistest.begin(ctx)
    argv = _argv(_actions(env, "GoImageManifest")[0])
    _contains(env, argv, "--sbom-packages ", "the manifest's command line")
    asserts.true(env, "--sbom-go-mod" not in argv, "a go_image without go_mod passes one: " + argv)
    return analysistest.end(env)

_without_go_mod_test = analysistest.make(_without_go_mod_test_impl)

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

# --- on a base that is a layout target ------------------------------------------

def _on_layout_target_test_impl(ctx):
    env = analysistest.begin(ctx)

    # The aspect on base imports the layout once, outside this target; the
    # manifest reads the imported layout.
    inputs = _actions(env, "GoImageManifest")[0].inputs.to_list()
    imported = [f for f in inputs if "/_goimage_base/single.layout/" in f.path]
    asserts.true(env, len(imported) > 0, "the manifest does not read the imported layout: {}".format([f.path for f in inputs]))
    return analysistest.end(env)

_on_layout_target_test = analysistest.make(_on_layout_target_test_impl)

# --- cgo, and the platforms go_image refuses ------------------------------------

_bad_platform_test = analysistest.make(_failure_test("platform \"windows/amd64\" is not supported"), expect_failure = True)
_twice_test = analysistest.make(_failure_test("platform \"linux/arm64\" is listed twice"), expect_failure = True)
_cgo_test = analysistest.make(_failure_test("is built with cgo (cgo = True), but go_image builds its binary as pure Go"), expect_failure = True)

def _cgo_pure_test_impl(ctx):
    env = analysistest.begin(ctx)
    asserts.equals(env, 1, _count(_mnemonics(env), "GoImageManifest"))
    return analysistest.end(env)

_cgo_pure_test = analysistest.make(_cgo_pure_test_impl)

def image_test_suite(name):
    """Declares the analysis tests of the images go_image declares, and a test_suite of them.

    Args:
      name: the test_suite's name.
    """
    declare_tests(name, {
        "single_test": (_single_test, ":single"),
        "multi_test": (_multi_test, ":multi"),
        "no_tarball_test": (_no_tarball_test, ":single"),
        "on_layout_target_test": (_on_layout_target_test, ":on_layout_target"),
        "sbom_test": (_sbom_test, ":with_sbom"),
        "provenance_test": (_provenance_unstamped_test, ":with_provenance"),
        "provenance_stamped_test": (_provenance_stamped_test, ":with_provenance"),
        "sbom_and_provenance_test": (_sbom_and_provenance_test, ":with_sbom_and_provenance"),
        "provenance_without_go_mod_test": (_without_go_mod_test, ":provenance_without_go_mod"),
        "sbom_without_go_mod_test": (_without_go_mod_test, ":sbom_without_go_mod"),
        "cgo_test": (_cgo_test, ":cgo_image"),
        "cgo_pure_test": (_cgo_pure_test, ":cgo_image_pure"),
        "cgo_off_test": (_cgo_pure_test, ":cgo_image_off"),
        "bad_platform_test": (_bad_platform_test, ":bad_platform"),
        "twice_test": (_twice_test, ":twice"),
    })
