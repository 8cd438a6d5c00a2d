"""Analysis tests of a base whose layers stay in its registry (`goimage.pull(layers = "lazy")`)."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")
load("//rules/private:providers/go_image_info.bzl", "GoImageInfo")
load(":analysis_lib.bzl", "actions", "argv", "basenames", "contains", "declare_tests")

# The layers the test base lists as left in its registry.
LAZY_LAYERS = ["sha256:" + "a" * 64, "sha256:" + "b" * 64]

def _lazy_base_test_impl(ctx):
    env = analysistest.begin(ctx)
    indexing = actions(env, "GoImageIndexLayer")
    asserts.equals(env, len(LAZY_LAYERS), len(indexing), "one action indexes each layer")
    for action, digest in zip(indexing, LAZY_LAYERS):
        line = argv(action)
        contains(env, line, "--digest " + digest, "the index action's command line")
        contains(env, line, "--blobs-from registry.example.com/base", "the index action's command line")
    info = analysistest.target_under_test(env)[GoImageInfo]
    asserts.equals(env, sorted([d.removeprefix("sha256:") + ".json" for d in LAZY_LAYERS]), basenames(info.layer_indexes.to_list()))
    asserts.equals(env, [], info.blobs.to_list(), "a lazy base holds no layer blob")
    return analysistest.end(env)

_lazy_base_test = analysistest.make(_lazy_base_test_impl)

def _manifest_reads_indexes(env, want):
    manifest = actions(env, "GoImageManifest")[0]
    inputs = basenames(manifest.inputs.to_list())
    for digest in LAZY_LAYERS:
        name = digest.removeprefix("sha256:") + ".json"
        asserts.equals(env, want, name in inputs, "the manifest action reads the index " + name)
        asserts.equals(env, want, ("--base-layer-index" in argv(manifest)), "the manifest action's --base-layer-index")

def _checked_test_impl(ctx):
    env = analysistest.begin(ctx)
    _manifest_reads_indexes(env, True)
    return analysistest.end(env)

def _unchecked_test_impl(ctx):
    env = analysistest.begin(ctx)
    _manifest_reads_indexes(env, False)
    return analysistest.end(env)

_checked_test = analysistest.make(_checked_test_impl)
_unchecked_test = analysistest.make(_unchecked_test_impl)

def lazy_base_test_suite(name):
    """Declares the analysis tests of a lazy base and of images on it, and a test_suite of them.

    Args:
      name: the test_suite's name.
    """
    declare_tests(name, {
        "lazy_base_test": (_lazy_base_test, ":lazy_base"),
        # The checks of an image read the base's files from the layers' indexes...
        "on_lazy_base_test": (_checked_test, ":on_lazy_base"),
        # ...and with every check of them off, no layer is indexed for it.
        "on_lazy_base_unchecked_test": (_unchecked_test, ":on_lazy_base_unchecked"),
    })
