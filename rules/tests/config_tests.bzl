"""Analysis tests of go_image's config attributes: capabilities, created and env, as the assembler takes them; it checks them."""

load("@bazel_skylib//lib:unittest.bzl", "analysistest", "asserts")

def _actions(env, mnemonic):
    return [a for a in analysistest.target_actions(env) if a.mnemonic == mnemonic]

def _params(env, name):
    """The content of the params file the go_image wrote at analysis time, by its basename."""
    for a in _actions(env, "FileWrite"):
        if [f for f in a.outputs.to_list() if f.basename == name]:
            return a.content
    fail("no params file " + name)

def _contains(env, haystack, needle, what):
    asserts.true(env, needle in haystack, "{} lacks {}: {}".format(what, repr(needle), haystack))

def _configured_test_impl(ctx):
    env = analysistest.begin(ctx)

    # Each capability goes to the binary's layer, which writes it as an xattr.
    layer = " ".join(_actions(env, "GoImageBinaryLayer")[0].argv)
    for part in ["--capability cap_net_bind_service", "--capability NET_ADMIN+ep"]:
        _contains(env, layer, part, "the binary layer's command line")

    # created is a flag of the manifest action, through its params file,
    # which is written as it is when the build does not stamp.
    _contains(env, _params(env, "image.params"), "--created\n2024-05-01T12:00:00Z\n", "image.params")
    asserts.equals(env, [], _actions(env, "GoImageStamp"))

    # env values reach the assembler as written: it expands them against the base's.
    _contains(env, json.decode(_params(env, "config.json"))["env"], "PATH=/app/bin:$PATH", "the config's env")
    return analysistest.end(env)

_configured_test = analysistest.make(_configured_test_impl)

def _created_at_build_test_impl(ctx):
    env = analysistest.begin(ctx)

    # A stamped build fills {BUILD_TIMESTAMP} from the workspace status.
    stamp = _actions(env, "GoImageStamp")
    asserts.equals(env, 1, len(stamp))
    _contains(env, " ".join(stamp[0].argv), "--created {BUILD_TIMESTAMP}", "the stamp action's command line")
    inputs = [f.basename for f in stamp[0].inputs.to_list()]
    _contains(env, inputs, "volatile-status.txt", "the stamp action's inputs")
    return analysistest.end(env)

_created_at_build_test = analysistest.make(_created_at_build_test_impl)

def _defaults_test_impl(ctx):
    env = analysistest.begin(ctx)
    layer = " ".join(_actions(env, "GoImageBinaryLayer")[0].argv)
    asserts.false(env, "--capability" in layer, "an image without capabilities gives its binary some: " + layer)
    asserts.false(env, "--created" in _params(env, "image.params"), "an image without created sets it")
    return analysistest.end(env)

_defaults_test = analysistest.make(_defaults_test_impl)

def config_test_suite(name):
    """Declares the analysis tests of go_image's config attributes, and a test_suite of them.

    Args:
      name: the test_suite's name.
    """
    tests = {
        "config_attributes_test": (_configured_test, ":with_capabilities"),
        "created_at_build_test": (_created_at_build_test, ":created_at_build"),
        "config_defaults_test": (_defaults_test, ":single"),
    }
    for test_name, (test, target) in tests.items():
        test(name = test_name, target_under_test = target, size = "small")
    native.test_suite(name = name, tests = [":" + t for t in tests])
